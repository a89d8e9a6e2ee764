import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Variant } from '../pim/variant.entity';
import { StoreConnection } from '../sync/connection.entity';
import { Tenant } from '../tenant.entity';

export type ListingStatus = 'active' | 'inactive' | 'error';

/**
 * One variant offered on one marketplace/storefront connection, with its own price (which may differ
 * from the PIM price: the sync engine pushes the listing's price to that connection), quantity cap
 * and status. `marketplace` is the connection's provider (ebay, amazon, shopify, woocommerce, …).
 */
@Entity({ name: 'listings' })
@Index('uq_listings_connection_variant', ['tenantId', 'connectionId', 'variantId'], { unique: true })
@Index('idx_listings_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_listings_product_connection', ['productId', 'connectionId'])
export class Listing {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'variant_id', type: 'uuid' })
  variantId: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ type: 'varchar', length: 40 })
  marketplace: string;

  /** exact decimal, major units */
  @Column({ type: 'numeric', precision: 16, scale: 4 })
  price: string;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'quantity_cap', type: 'integer', nullable: true })
  quantityCap: number | null;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  status: ListingStatus;

  /** the marketplace's listing id, when known (otherwise the sync ledger's remote variant id is shown) */
  @Column({ name: 'remote_id', type: 'varchar', length: 255, nullable: true })
  remoteId: string | null;

  @Column({ name: 'last_repriced_at', type: 'timestamptz', precision: 3, nullable: true })
  lastRepricedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_listings_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Variant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'fk_listings_variant' })
  variant?: Variant;

  @ManyToOne(() => StoreConnection, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_listings_connection' })
  connection?: StoreConnection;
}
