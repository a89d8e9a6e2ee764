import { Module } from '@nestjs/common';
import { SupplierImporter, SupplierRunQueue } from '@synq/feeds';
import { SuppliersController } from './suppliers.controller';
import { SuppliersService } from './suppliers.service';

@Module({
  controllers: [SuppliersController],
  providers: [SuppliersService, SupplierRunQueue, SupplierImporter],
  exports: [SuppliersService],
})
export class SuppliersModule {}
