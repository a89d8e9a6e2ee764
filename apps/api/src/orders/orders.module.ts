import { Module } from '@nestjs/common';
import { OrdersLibModule } from '@synq/orders';
import { ChannelsAdminService } from './channels-admin.service';
import { ChannelsController } from './channels.controller';
import { InventoryReadsService } from './inventory-reads.service';
import { InventoryController } from './inventory.controller';
import { OrdersController } from './orders.controller';

/** Orders, inventory and channels on the Platform API (/api/v1/orders, /api/v1/inventory, /api/v1/channels). */
@Module({
  imports: [OrdersLibModule],
  controllers: [OrdersController, InventoryController, ChannelsController],
  providers: [InventoryReadsService, ChannelsAdminService],
  exports: [OrdersLibModule],
})
export class OrdersModule {}
