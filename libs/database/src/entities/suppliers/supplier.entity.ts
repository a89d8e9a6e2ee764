import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type SupplierFormat = 'csv' | 'tsv' | 'xml' | 'json';
export type SupplierMatchOn = 'sku' | 'barcode';
export type SupplierOnMissing = 'keep' | 'archive' | 'zero_stock';

/** One mapping entry: a source column/path → a product/variant field, with a default and transforms. */
export interface SupplierMappingEntry {
  source?: string;
  target: string;
  default?: string | number | boolean;
  transform?: Record<string, unknown>;
}

/** `{interval_minutes}` or `{cron}` (5 fields, UTC). */
export interface SupplierSchedule {
  interval_minutes?: number;
  cron?: string;
}

/** A supplier feed imported into the catalog from a URL (or an uploaded file), now or on a schedule. */
@Entity({ name: 'suppliers' })
@Index('idx_suppliers_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_suppliers_next_run', ['nextRunAt'], { where: 'next_run_at IS NOT NULL' })
export class Supplier {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** null: the supplier is fed by uploads only */
  @Column({ type: 'varchar', length: 2048, nullable: true })
  url: string | null;

  /** `basic` | `bearer` | `header`; the secret itself is sealed in auth_sealed */
  @Column({ name: 'auth_type', type: 'varchar', length: 10, nullable: true })
  authType: string | null;

  /** SecretBox-sealed JSON of the credentials; never returned */
  @Column({ name: 'auth_sealed', type: 'text', nullable: true })
  authSealed: string | null;

  @Column({ type: 'varchar', length: 8 })
  format: SupplierFormat;

  /** XML: the element name of one item; JSON: dotted path of the array of items (empty: the root array) */
  @Column({ name: 'item_path', type: 'varchar', length: 200, nullable: true })
  itemPath: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  mapping: SupplierMappingEntry[];

  @Column({ name: 'match_on', type: 'varchar', length: 10, default: 'sku' })
  matchOn: SupplierMatchOn;

  @Column({ name: 'on_missing', type: 'varchar', length: 12, default: 'keep' })
  onMissing: SupplierOnMissing;

  /** currency of prices when the mapping gives none */
  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ type: 'jsonb', nullable: true })
  schedule: SupplierSchedule | null;

  @Column({ name: 'next_run_at', type: 'timestamptz', precision: 3, nullable: true })
  nextRunAt: Date | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'last_run_id', type: 'uuid', nullable: true })
  lastRunId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_suppliers_tenant' })
  tenant?: Tenant;
}
