import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@synq/connectors';
import { IntegrationsLibModule } from '@synq/integrations';
import { AuthModule } from '../auth/auth.module';
import { PlatformWooCommerceController } from './platform-woocommerce.controller';
import { StoresController } from './stores.controller';
import { SyncStatusService } from './sync-status.service';
import { WooConnectService } from './woo-connect.service';

@Module({
  imports: [ConnectorsModule, IntegrationsLibModule, AuthModule],
  controllers: [StoresController, PlatformWooCommerceController],
  providers: [WooConnectService, SyncStatusService],
})
export class StoresModule {}
