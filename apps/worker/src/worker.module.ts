import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@synq/config';
import { CoreModule } from '@synq/core';
import { EventDispatcher, OutboxRelay } from '@synq/events';
import { Logger } from '@synq/logger';
import { BulkJobRunner, CatalogExportRunner } from '@synq/pim';
import { SyncEngineModule } from '@synq/sync';
import { EventDispatchProcessor } from './processors/event-dispatch.processor';
import { PimBulkProcessor } from './processors/pim-bulk.processor';
import { PimExportProcessor } from './processors/pim-export.processor';
import { WebhookDeliveryService, WebhookFanout, WebhookSecrets, WebhookSweeper } from '@synq/webhooks';
import { WebhookDeliverProcessor } from './processors/webhook-deliver.processor';
import { FeedGenerator, FeedRefresher, SupplierImporter, SupplierRunQueue, SupplierScheduler } from '@synq/feeds';
import { SupplierImportProcessor } from './processors/supplier-import.processor';
import { FeedGenerateProcessor } from './processors/feed-generate.processor';
import { SyncFanoutProcessor } from './processors/sync-fanout.processor';
import { SyncProductProcessor } from './processors/sync-product.processor';
import { SyncBatchProcessor } from './processors/sync-batch.processor';
import { WorkerHost } from './worker-host.service';
import { AgentScheduler } from '@synq/agents';
import { ListingsLibModule } from '@synq/listings';
import { RepricerEvaluateProcessor } from './processors/repricer-evaluate.processor';
import { AgentRunProcessor } from './processors/agent-run.processor';
import { OrdersEngineModule } from '@synq/orders';
import { OrderIngestProcessor } from './processors/order-ingest.processor';
import { OrdersPullProcessor } from './processors/orders-pull.processor';
import { InventoryChangedProcessor } from './processors/inventory-changed.processor';
import { InventoryPushProcessor } from './processors/inventory-push.processor';
import { ReservationsExpireProcessor } from './processors/reservations-expire.processor';

/** The api's library graph minus controllers and guards, plus the relay and the processors. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config, logger, 'synq-worker'), SyncEngineModule, ListingsLibModule, OrdersEngineModule],
      providers: [
        OutboxRelay,
        EventDispatcher,
        WorkerHost,
        EventDispatchProcessor,
        CatalogExportRunner,
        PimExportProcessor,
        BulkJobRunner,
        PimBulkProcessor,
        // webhooks: fan-out of committed events, delivery attempts, and the sweeper safety net
        WebhookSecrets,
        WebhookFanout,
        WebhookDeliveryService,
        WebhookSweeper,
        WebhookDeliverProcessor,
        // feeds: generation jobs and the freshness check
        FeedGenerator,
        FeedRefresher,
        FeedGenerateProcessor,
        SyncFanoutProcessor,
        SyncProductProcessor,
        SyncBatchProcessor,
        // developer API: the repricer and the agents' scheduler and runs
        RepricerEvaluateProcessor,
        AgentScheduler,
        AgentRunProcessor,
        // orders and inventory: imports from platforms, periodic pulls, stock propagation to channels
        OrderIngestProcessor,
        OrdersPullProcessor,
        InventoryChangedProcessor,
        InventoryPushProcessor,
        ReservationsExpireProcessor,
        // supplier imports: the import job and the schedule check
        SupplierRunQueue,
        SupplierImporter,
        SupplierScheduler,
        SupplierImportProcessor,
      ],
    };
  }
}
