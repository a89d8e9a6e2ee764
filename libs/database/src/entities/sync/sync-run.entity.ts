import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { StoreConnection } from './connection.entity';
import type { SyncAction } from './sync-state.entity';

export type SyncRunStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'RETRYING';

/** One attempt of one (connection, product) sync: the history behind the ledger. */
@Entity({ name: 'sync_runs' })
@Index('idx_sync_runs_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_sync_runs_tenant_product_created', ['tenantId', 'productId', 'createdAt'])
@Index('idx_sync_runs_tenant_connection_created', ['tenantId', 'connectionId', 'createdAt'])
@Index('idx_sync_runs_tenant_status_created', ['tenantId', 'status', 'createdAt'])
export class SyncRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ type: 'varchar', length: 10 })
  action: SyncAction;

  @Column({ type: 'varchar', length: 10 })
  status: SyncRunStatus;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'integer', default: 0 })
  durationMs: number;

  @Column({ type: 'integer', default: 1 })
  attempt: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_sync_runs_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => StoreConnection, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_sync_runs_connection' })
  connection?: StoreConnection;
}
