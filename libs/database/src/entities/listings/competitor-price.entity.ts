import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Listing } from './listing.entity';

/** One observation of a competitor's offer on a listing (from a price scraper or a marketplace connector). */
@Entity({ name: 'competitor_prices' })
@Index('idx_competitor_prices_listing_seller', ['listingId', 'seller', 'observedAt'])
@Index('idx_competitor_prices_tenant_listing', ['tenantId', 'listingId'])
export class CompetitorPrice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'listing_id', type: 'uuid' })
  listingId: string;

  @Column({ type: 'varchar', length: 200 })
  seller: string;

  @Column({ type: 'numeric', precision: 16, scale: 4 })
  price: string;

  @Column({ type: 'numeric', precision: 16, scale: 4, default: 0 })
  shipping: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  condition: string | null;

  @Column({ name: 'is_featured_offer', type: 'boolean', default: false })
  isFeaturedOffer: boolean;

  @Column({ name: 'observed_at', type: 'timestamptz', precision: 3 })
  observedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_competitor_prices_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'listing_id', foreignKeyConstraintName: 'fk_competitor_prices_listing' })
  listing?: Listing;
}
