import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { StoreConnection } from './connection.entity';

export type SyncStatus = 'PENDING' | 'SYNCED' | 'FAILED' | 'DELETED';
export type SyncAction = 'UPSERT' | 'DELETE';

/**
 * The sync ledger: one row per (connection, product). Pushes bump `requested_seq`; a sync job settles
 * the row for the seq it read (`synced_seq`), so a job that finds nothing newer does nothing. The
 * product id has no foreign key: the mapping must outlive the product for DELETE to reach the store.
 */
@Entity({ name: 'sync_states' })
@Index('idx_sync_states_tenant_product', ['tenantId', 'productId'])
@Index('idx_sync_states_tenant_status_connection', ['tenantId', 'status', 'connectionId'])
@Index('idx_sync_states_pending', ['updatedAt'], { where: "status = 'PENDING'" })
export class SyncState {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @PrimaryColumn({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 10, default: 'PENDING' })
  status: SyncStatus;

  @Column({ name: 'remote_product_id', type: 'varchar', length: 255, nullable: true })
  remoteProductId: string | null;

  /** Synq variant id → remote variant id */
  @Column({ name: 'remote_variant_ids', type: 'jsonb', default: () => "'{}'" })
  remoteVariantIds: Record<string, string>;

  /** sha256 of the platform payload last written to the store */
  @Column({ name: 'payload_hash', type: 'varchar', length: 64, nullable: true })
  payloadHash: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt: Date | null;

  @Column({ name: 'requested_action', type: 'varchar', length: 10, default: 'UPSERT' })
  requestedAction: SyncAction;

  @Column({ name: 'requested_seq', type: 'bigint', default: 0 })
  requestedSeq: string;

  @Column({ name: 'synced_seq', type: 'bigint', default: 0 })
  syncedSeq: string;

  /** push even when the payload hash is unchanged (consumed by the next run) */
  @Column({ type: 'boolean', default: false })
  force: boolean;

  /** the job currently working on this row, until lease_until (one remote writer per row) */
  @Column({ name: 'lease_job', type: 'varchar', length: 200, nullable: true })
  leaseJob: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  /** set before a create is attempted: a later attempt looks the product up before creating again */
  @Column({ name: 'create_started_at', type: 'timestamptz', nullable: true })
  createStartedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_sync_states_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => StoreConnection, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_sync_states_connection' })
  connection?: StoreConnection;
}
