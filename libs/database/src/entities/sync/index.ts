export { StoreConnection } from './connection.entity';
export type { ConnectionStatus, ConnectionCategory, ConnectionKind } from './connection.entity';
export { OAuthState } from './oauth-state.entity';
export { SyncState } from './sync-state.entity';
export type { SyncStatus, SyncAction } from './sync-state.entity';
export { SyncRun } from './sync-run.entity';
export type { SyncRunStatus } from './sync-run.entity';
export { InboundWebhookReceipt } from './webhook-receipt.entity';
