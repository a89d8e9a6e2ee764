import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { LOGGER, Logger } from '@synq/logger';
import { QueueService } from '@synq/queue';
import { InventoryService } from './inventory.service';
import { OrderPullService } from './order-pull.service';
import { OrdersService } from './orders.service';
import { StockPropagationService } from './stock-propagation.service';

/**
 * Worker-side timers of orders and inventory (safe with several workers: every step is a conditional
 * SQL update or a deterministic job id):
 * - every RESERVATION_SWEEP_MS: expire due reservations, cancel pending orders whose reservation
 *   lapsed, give variants newly listed on a channel their first stock figure, and re-schedule stock
 *   pushes left pending (lost jobs);
 * - every ORDERS_PULL_INTERVAL_MS (checked at least each minute): one `orders.pull` job per due
 *   connection, id = connection + interval window, so the pull repeats once per interval per connection.
 */
@Injectable()
export class OrdersScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timers: NodeJS.Timeout[] = [];
  private sweeping?: Promise<unknown>;
  private pulling?: Promise<unknown>;

  constructor(
    private readonly inventory: InventoryService,
    private readonly orders: OrdersService,
    private readonly propagation: StockPropagationService,
    private readonly pulls: OrderPullService,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timers.push(setInterval(() => void this.sweep(), this.config.reservationSweepMs));
    this.timers.push(setInterval(() => void this.schedulePulls(), Math.min(Math.max(this.config.ordersPullIntervalMs / 2, 100), 60_000)));
    for (const t of this.timers) t.unref();
  }

  sweep(): Promise<unknown> {
    this.sweeping ??= (async () => {
      try {
        const reservations = await this.inventory.expireDue();
        const orders = await this.orders.expireDue();
        await this.propagation.sweep(Math.max(this.config.inventoryPushCoalesceMs * 5, 30_000));
        if (reservations || orders) this.logger.info({ reservations, orders }, 'expired reservations');
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'reservation sweep failed; will retry');
      }
    })().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  schedulePulls(): Promise<unknown> {
    this.pulling ??= (async () => {
      try {
        const window = Math.floor(Date.now() / this.config.ordersPullIntervalMs);
        for (const c of await this.pulls.due()) {
          await this.queues.add({ name: 'orders.pull', data: { tenantId: c.tenant_id, connectionId: c.id } }, `orders-pull-${c.id}-${window}`);
        }
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'scheduling order pulls failed; will retry');
      }
    })().finally(() => (this.pulling = undefined));
    return this.pulling;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([this.sweeping, this.pulling]);
  }
}
