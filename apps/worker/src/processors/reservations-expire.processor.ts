import { Injectable } from '@nestjs/common';
import { InventoryService, OrdersService } from '@synq/orders';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** One tenant's expiry pass (its reservation_expiry agent): due reservations released, lapsed pending orders cancelled. */
@Injectable()
@JobProcessor('reservations.expire')
export class ReservationsExpireProcessor implements JobHandler<'reservations.expire'> {
  constructor(
    private readonly inventory: InventoryService,
    private readonly orders: OrdersService,
  ) {}

  async handle(data: JobData<'reservations.expire'>): Promise<{ reservations: number; orders: number }> {
    let reservations = 0;
    let orders = 0;
    // bounded passes: a backlog is worked off in batches of 500 within one run
    for (let i = 0; i < 20; i++) {
      const r = await this.inventory.expireDue(500, data.tenantId);
      const o = await this.orders.expireDue(500, data.tenantId);
      reservations += r;
      orders += o;
      if (r < 500 && o < 500) break;
    }
    return { reservations, orders };
  }
}
