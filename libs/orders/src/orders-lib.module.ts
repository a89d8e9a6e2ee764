import { Module } from '@nestjs/common';
import { ChannelsService } from './channels.service';
import { InventoryService } from './inventory.service';
import { OrdersService } from './orders.service';
import { OrderIngestService } from './order-ingest.service';

/** Orders, inventory and channels for both processes (api and worker): import it where needed. */
@Module({
  providers: [InventoryService, ChannelsService, OrdersService, OrderIngestService],
  exports: [InventoryService, ChannelsService, OrdersService, OrderIngestService],
})
export class OrdersLibModule {}
