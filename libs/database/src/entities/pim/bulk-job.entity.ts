import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import type { AsyncJobStatus } from './export-job.entity';

export type BulkJobType = 'BULK_UPDATE' | 'BULK_DELETE';

export interface BulkItemError {
  product_id?: string;
  message: string;
}

@Entity({ name: 'bulk_jobs' })
@Index('idx_bulk_jobs_tenant_type_created', ['tenantId', 'jobType', 'createdAt', 'id'])
export class BulkJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 100, nullable: true })
  requestedBy: string | null;

  @Column({ name: 'job_type', type: 'varchar', length: 20 })
  jobType: BulkJobType;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  status: AsyncJobStatus;

  @Column({ type: 'integer', nullable: true })
  total: number | null;

  @Column({ type: 'integer', default: 0 })
  processed: number;

  @Column({ type: 'integer', default: 0 })
  succeeded: number;

  @Column({ type: 'integer', default: 0 })
  failed: number;

  /** first 1,000 per-item errors */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors: BulkItemError[];

  /**
   * the last product applied, as its (created_at, id) keyset position: a resumed job continues
   * after it and never applies a batch twice
   */
  @Column({ name: 'last_product_id', type: 'uuid', nullable: true })
  lastProductId: string | null;

  @Column({ name: 'last_created_at', type: 'timestamptz', precision: 3, nullable: true })
  lastCreatedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_bulk_jobs_tenant' })
  tenant?: Tenant;
}
