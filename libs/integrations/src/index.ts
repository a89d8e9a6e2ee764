export * from './oauth-state.service';
export * from './connection-vault.service';
export * from './connections.store';
export * from './integrations-lib.module';
export * from './store-url';
export * from './platform-signatures';
export * from './webhook-receipts.service';
