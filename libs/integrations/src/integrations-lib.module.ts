import { Module } from '@nestjs/common';
import { ConnectionVault } from './connection-vault.service';
import { ConnectionsStore } from './connections.store';
import { OAuthStateService } from './oauth-state.service';

/** Authorization states, sealed credentials and direct connections (api and worker). */
@Module({
  providers: [OAuthStateService, ConnectionVault, ConnectionsStore],
  exports: [OAuthStateService, ConnectionVault, ConnectionsStore],
})
export class IntegrationsLibModule {}
