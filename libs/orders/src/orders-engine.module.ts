import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@synq/connectors';
import { IntegrationsLibModule } from '@synq/integrations';
import { OrderPullService } from './order-pull.service';
import { OrdersLibModule } from './orders-lib.module';
import { OrdersScheduler } from './orders-scheduler.service';
import { StockPropagationService } from './stock-propagation.service';

/** The worker side of orders and inventory: stock propagation to channels, order pulls, expiry timers. */
@Module({
  imports: [OrdersLibModule, ConnectorsModule, IntegrationsLibModule],
  providers: [StockPropagationService, OrderPullService, OrdersScheduler],
  exports: [OrdersLibModule, StockPropagationService, OrderPullService],
})
export class OrdersEngineModule {}
