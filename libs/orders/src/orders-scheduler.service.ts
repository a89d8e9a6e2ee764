import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@synq/common';
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
 *   A connection with an `order_pull` agent (libs/agents) is left to the agent's schedule.
 */
@Injectable()
export class OrdersScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweepTask: PeriodicTask<void>;
  private readonly pullTask: PeriodicTask<void>;

  constructor(
    private readonly inventory: InventoryService,
    private readonly orders: OrdersService,
    private readonly propagation: StockPropagationService,
    private readonly pulls: OrderPullService,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sweepTask = new PeriodicTask('reservation sweep', config.reservationSweepMs, () => this.sweepPass(), undefined, logger);
    this.pullTask = new PeriodicTask('order pull scheduling', Math.min(Math.max(config.ordersPullIntervalMs / 2, 100), 60_000), () => this.pullPass(), undefined, logger);
  }

  onApplicationBootstrap(): void {
    this.sweepTask.start();
    this.pullTask.start();
  }

  sweep(): Promise<void> {
    return this.sweepTask.runOnce();
  }

  schedulePulls(): Promise<void> {
    return this.pullTask.runOnce();
  }

  private async sweepPass(): Promise<void> {
    const reservations = await this.inventory.expireDue();
    const orders = await this.orders.expireDue();
    await this.propagation.sweep(Math.max(this.config.inventoryPushCoalesceMs * 5, 30_000));
    if (reservations || orders) this.logger.info({ reservations, orders }, 'expired reservations');
  }

  private async pullPass(): Promise<void> {
    const window = Math.floor(Date.now() / this.config.ordersPullIntervalMs);
    for (const c of await this.pulls.due()) {
      await this.queues.add({ name: 'orders.pull', data: { tenantId: c.tenant_id, connectionId: c.id } }, `orders-pull-${c.id}-${window}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.sweepTask.stop(), this.pullTask.stop()]);
  }
}
