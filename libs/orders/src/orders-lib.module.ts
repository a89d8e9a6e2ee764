import { Module } from '@nestjs/common';
import { ChannelsService } from './channels.service';
import { InventoryService } from './inventory.service';
import { OrdersService } from './orders.service';

/** Orders, inventory and channels for both processes (api and worker): import it where needed. */
@Module({
  providers: [InventoryService, ChannelsService, OrdersService],
  exports: [InventoryService, ChannelsService, OrdersService],
})
export class OrdersLibModule {}
