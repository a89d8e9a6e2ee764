import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organization.entity';
import { Tenant } from '../tenant.entity';

export type ConnectionStatus = 'ACTIVE' | 'PAUSED' | 'ERROR' | 'REVOKED';
export type ConnectionCategory = 'commerce' | 'accounting';
/** How Synq reaches the store: through the unified-API provider, or the platform's own API. */
export type ConnectionKind = 'unified' | 'shopify' | 'woocommerce';

/**
 * One storefront or marketplace of a tenant. Credentials are sealed with SecretBox (a JSON object:
 * `{accessToken}` for Shopify, `{consumerKey, consumerSecret}` for WooCommerce; none for unified
 * connections, which use the provider API key) and are never returned or logged.
 */
@Entity({ name: 'connections' })
@Index('uq_connections_tenant_unified', ['tenantId', 'unifiedConnectionId'], { unique: true, where: 'unified_connection_id IS NOT NULL' })
@Index('uq_connections_tenant_kind_store', ['tenantId', 'kind', 'storeKey'], { unique: true, where: 'store_key IS NOT NULL' })
@Index('idx_connections_kind_store', ['kind', 'storeKey'], { where: 'store_key IS NOT NULL' })
@Index('idx_connections_tenant_status', ['tenantId', 'status', 'createdAt'])
export class StoreConnection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  /** lowercase platform name: shopify, woocommerce, amazon, … */
  @Column({ type: 'varchar', length: 40 })
  provider: string;

  @Column({ type: 'varchar', length: 20, default: 'commerce' })
  category: ConnectionCategory;

  @Column({ type: 'varchar', length: 20 })
  kind: ConnectionKind;

  @Column({ name: 'unified_connection_id', type: 'varchar', length: 200, nullable: true })
  unifiedConnectionId: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName: string | null;

  /** store/shop URL of direct connections */
  @Column({ name: 'base_url', type: 'varchar', length: 2048, nullable: true })
  baseUrl: string | null;

  /**
   * The store's identity, one connection per tenant and store: the shop's myshopify.com domain
   * (Shopify), the normalised store URL without `www.` (WooCommerce). Inbound webhooks find their
   * connections by it.
   */
  @Column({ name: 'store_key', type: 'varchar', length: 2048, nullable: true })
  storeKey: string | null;

  @Column({ name: 'credentials_sealed', type: 'text', nullable: true, select: false })
  credentialsSealed: string | null;

  @Column({ type: 'varchar', length: 10, default: 'ACTIVE' })
  status: ConnectionStatus;

  @Column({ name: 'last_healthy_at', type: 'timestamptz', nullable: true })
  lastHealthyAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_connections_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_connections_org' })
  organization?: Organization;
}
