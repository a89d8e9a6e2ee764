import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Supplier } from './supplier.entity';

export type SupplierRunStatus = 'queued' | 'running' | 'applying' | 'completed' | 'failed';
export type SupplierRunTrigger = 'manual' | 'schedule' | 'upload';

/** A row the run did not apply, with its line (CSV/TSV: physical line; XML/JSON: the item's first line). */
export interface SupplierRunRowError {
  /** the row's ordinal in the file (1-based; for XML/JSON the item number) */
  item: number;
  line: number;
  key: string | null;
  reason: string;
}

/**
 * One import: download → parse → stage (status running), then apply the staged rows in batches
 * (applying; `apply_cursor` is the seq of the last applied row, so a crash resumes after it), then the missing
 * items (on_missing), then completed. A file that cannot be read fails the run before anything is applied.
 */
@Entity({ name: 'supplier_runs' })
@Index('idx_supplier_runs_supplier_created', ['tenantId', 'supplierId', 'createdAt', 'id'])
@Index('uq_supplier_runs_active', ['supplierId'], { unique: true, where: "status IN ('queued', 'running', 'applying')" })
export class SupplierRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ type: 'varchar', length: 10 })
  trigger: SupplierRunTrigger;

  @Column({ type: 'varchar', length: 10, default: 'queued' })
  status: SupplierRunStatus;

  /** the uploaded file (upload runs) */
  @Column({ name: 'upload_file', type: 'varchar', length: 1024, nullable: true })
  uploadFile: string | null;

  @Column({ type: 'bigint', default: 0 })
  bytes: string;

  @Column({ name: 'rows_total', type: 'integer', default: 0 })
  rowsTotal: number;

  @Column({ name: 'rows_staged', type: 'integer', default: 0 })
  rowsStaged: number;

  @Column({ name: 'rows_applied', type: 'integer', default: 0 })
  rowsApplied: number;

  @Column({ type: 'integer', default: 0 })
  created: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  unchanged: number;

  @Column({ type: 'integer', default: 0 })
  failed: number;

  @Column({ name: 'missing_handled', type: 'integer', default: 0 })
  missingHandled: number;

  /** the first 1,000 rows not applied, with reasons */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors: SupplierRunRowError[];

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** `seq` of the last applied staged row */
  @Column({ name: 'apply_cursor', type: 'integer', default: 0 })
  applyCursor: number;

  /** last variant id handled by the on_missing pass */
  @Column({ name: 'missing_cursor', type: 'uuid', nullable: true })
  missingCursor: string | null;

  @Column({ name: 'missing_done', type: 'boolean', default: false })
  missingDone: boolean;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_supplier_runs_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Supplier, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'supplier_id', foreignKeyConstraintName: 'fk_supplier_runs_supplier' })
  supplier?: Supplier;
}
