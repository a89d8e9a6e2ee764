import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@synq/connectors';
import { IntegrationsLibModule } from '@synq/integrations';
import { AutoSyncSubscriber } from './auto-sync.subscriber';
import { SyncBatchRunner } from './sync-batch.runner';
import { SyncFanoutService } from './sync-fanout.service';
import { SyncProductRunner } from './sync-product.runner';
import { SyncSweeper } from './sync-sweeper.service';

/** The worker side of sync: fan-out, per-connection pushes, auto-sync and the sweeper. */
@Module({
  imports: [ConnectorsModule, IntegrationsLibModule],
  providers: [SyncFanoutService, SyncProductRunner, SyncBatchRunner, AutoSyncSubscriber, SyncSweeper],
  exports: [SyncFanoutService, SyncProductRunner, SyncBatchRunner],
})
export class SyncEngineModule {}
