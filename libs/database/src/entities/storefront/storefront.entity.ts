import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

/** A pre-priced offer: a product (every priced variant) or one variant of it. */
export interface StorefrontOffer {
  product_id: string;
  variant_id: string | null;
}

export const DEFAULT_FILE_TYPES = ['stl', 'obj', '3mf', 'pdf', 'png', 'jpeg'];
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * The storefront module of a tenant (one per tenant): what the embed at /s/{publishable_key} and the
 * public /api/storefront API offer. The publishable key is public by design (it is in the merchant's
 * HTML), so it is stored as is and looked up by its unique index.
 */
@Entity({ name: 'storefronts' })
@Index('uq_storefronts_publishable_key', ['publishableKey'], { unique: true, where: 'publishable_key IS NOT NULL' })
export class Storefront {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'boolean', default: false })
  enabled: boolean;

  @Column({ name: 'publishable_key', type: 'varchar', length: 64, nullable: true })
  publishableKey: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 120, nullable: true })
  displayName: string | null;

  @Column({ name: 'logo_url', type: 'varchar', length: 2048, nullable: true })
  logoUrl: string | null;

  @Column({ name: 'accent_color', type: 'varchar', length: 7, default: '#4f46e5' })
  accentColor: string;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  offers: StorefrontOffer[];

  @Column({ name: 'allow_quotes', type: 'boolean', default: true })
  allowQuotes: boolean;

  @Column({ name: 'allowed_file_types', type: 'jsonb', default: () => `'${JSON.stringify(DEFAULT_FILE_TYPES).replace(/,/g, ', ')}'` })
  allowedFileTypes: string[];

  @Column({ name: 'max_file_bytes', type: 'integer', default: DEFAULT_MAX_FILE_BYTES })
  maxFileBytes: number;

  @Column({ name: 'success_url', type: 'varchar', length: 2048, nullable: true })
  successUrl: string | null;

  @Column({ name: 'cancel_url', type: 'varchar', length: 2048, nullable: true })
  cancelUrl: string | null;

  /** origins allowed to frame /s/{key} (Content-Security-Policy frame-ancestors); empty: any */
  @Column({ name: 'allowed_origins', type: 'jsonb', default: () => "'[]'" })
  allowedOrigins: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_storefronts_tenant' })
  tenant?: Tenant;
}
