import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type AsyncJobStatus = 'queued' | 'running' | 'completed' | 'failed';

@Entity({ name: 'catalog_exports' })
@Index('idx_catalog_exports_tenant_created', ['tenantId', 'createdAt', 'id'])
export class CatalogExport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 100, nullable: true })
  requestedBy: string | null;

  @Column({ type: 'varchar', length: 10 })
  format: 'csv' | 'jsonl';

  @Column({ type: 'jsonb', default: () => "'{}'" })
  filters: Record<string, unknown>;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  status: AsyncJobStatus;

  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ name: 'total_products', type: 'integer', nullable: true })
  totalProducts: number | null;

  @Column({ name: 'row_count', type: 'integer', default: 0 })
  rowCount: number;

  @Column({ name: 'file_path', type: 'varchar', length: 1024, nullable: true })
  filePath: string | null;

  @Column({ name: 'file_size', type: 'bigint', nullable: true })
  fileSize: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_catalog_exports_tenant' })
  tenant?: Tenant;
}
