import { Module } from '@nestjs/common';
import { OrdersLibModule } from '@synq/orders';

/** Orders, inventory and channels on the Platform API (/api/v1/orders, /inventory, /channels). */
@Module({ imports: [OrdersLibModule], exports: [OrdersLibModule] })
export class OrdersModule {}
