import { Module } from '@nestjs/common';
import { OrdersLibModule } from '@synq/orders';
import { DeveloperOrdersController } from './developer-orders.controller';
import { DeveloperOrdersService } from './developer-orders.service';

/** GET /v1/orders and /v1/orders/{id} for secret-key callers. */
@Module({ imports: [OrdersLibModule], controllers: [DeveloperOrdersController], providers: [DeveloperOrdersService] })
export class DeveloperOrdersModule {}
