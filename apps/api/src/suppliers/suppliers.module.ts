import { Module } from '@nestjs/common';
import { SupplierImporter, SupplierRunQueue } from '@synq/feeds';
import { OrdersLibModule } from '@synq/orders';
import { SuppliersController } from './suppliers.controller';
import { SuppliersService } from './suppliers.service';

@Module({
  imports: [OrdersLibModule],
  controllers: [SuppliersController],
  providers: [SuppliersService, SupplierRunQueue, SupplierImporter],
  exports: [SuppliersService],
})
export class SuppliersModule {}
