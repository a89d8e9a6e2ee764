import { Module } from '@nestjs/common';
import { ConnectionVault } from './connection-vault.service';
import { ConnectionsStore } from './connections.store';
import { OAuthStateService } from './oauth-state.service';
import { WebhookReceipts } from './webhook-receipts.service';

/** Authorization states, sealed credentials and direct connections (api and worker). */
@Module({
  providers: [OAuthStateService, ConnectionVault, ConnectionsStore, WebhookReceipts],
  exports: [OAuthStateService, ConnectionVault, ConnectionsStore, WebhookReceipts],
})
export class IntegrationsLibModule {}
