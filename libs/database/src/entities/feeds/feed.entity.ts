import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type FeedFormat = 'xml' | 'csv' | 'tsv' | 'json';
export type FeedTemplate = 'google_shopping' | 'facebook' | 'custom';

/** What the last generation left out, bounded: counts per reason and the first items with their reasons. */
export interface FeedReport {
  excluded_count?: number;
  reasons?: Record<string, number>;
  items?: { id: string; product_id: string; sku: string | null; reasons: string[] }[];
  truncated?: boolean;
}

/** A product feed published at /api/public/feeds/{slug}; the slug is unique across all tenants. */
@Entity({ name: 'feeds' })
@Index('idx_feeds_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('uq_feeds_slug', ['slug'], { unique: true })
export class Feed {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  slug: string;

  @Column({ type: 'varchar', length: 8 })
  format: FeedFormat;

  @Column({ type: 'varchar', length: 20 })
  template: FeedTemplate;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  filters: Record<string, unknown>;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'link_template', type: 'varchar', length: 2048 })
  linkTemplate: string;

  @Column({ name: 'image_fallback', type: 'varchar', length: 2048, nullable: true })
  imageFallback: string | null;

  /** the ordered rule list (see libs/feeds rules.ts) */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  rules: unknown[];

  @Column({ type: 'boolean', default: false })
  published: boolean;

  /** bumped by every configuration change; a file built from an older one is stale */
  @Column({ name: 'config_version', type: 'integer', default: 1 })
  configVersion: number;

  @Column({ name: 'generated_config_version', type: 'integer', nullable: true })
  generatedConfigVersion: number | null;

  @Column({ name: 'generated_at', type: 'timestamptz', precision: 3, nullable: true })
  generatedAt: Date | null;

  /** last time the stored file was found current (generated, or the catalog unchanged since) */
  @Column({ name: 'checked_at', type: 'timestamptz', precision: 3, nullable: true })
  checkedAt: Date | null;

  @Column({ name: 'generated_file', type: 'varchar', length: 1024, nullable: true })
  generatedFile: string | null;

  @Column({ name: 'file_size', type: 'bigint', nullable: true })
  fileSize: string | null;

  /** how many times a file was built (observability; tests count generations with it) */
  @Column({ name: 'generation_count', type: 'integer', default: 0 })
  generationCount: number;

  @Column({ name: 'item_count', type: 'integer', default: 0 })
  itemCount: number;

  @Column({ name: 'excluded_count', type: 'integer', default: 0 })
  excludedCount: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  etag: string | null;

  @Column({ name: 'content_hash', type: 'varchar', length: 64, nullable: true })
  contentHash: string | null;

  /** max(updated_at) of the tenant's products and variants the file was built from */
  @Column({ name: 'catalog_version', type: 'timestamptz', precision: 3, nullable: true })
  catalogVersion: Date | null;

  /** catalog_version plus product/variant/media counts: catches deletions too */
  @Column({ name: 'catalog_signature', type: 'varchar', length: 200, nullable: true })
  catalogSignature: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  report: FeedReport;

  @Column({ name: 'generation_error', type: 'text', nullable: true })
  generationError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_feeds_tenant' })
  tenant?: Tenant;
}
