import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Listing } from './listing.entity';

export type PriceChangeSource = 'repricer' | 'api';

/** Every price change of a listing: who (a rule, or an API caller) and why. */
@Entity({ name: 'listing_price_history' })
@Index('idx_listing_price_history_listing', ['tenantId', 'listingId', 'createdAt', 'id'])
export class ListingPriceChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'listing_id', type: 'uuid' })
  listingId: string;

  @Column({ name: 'old_price', type: 'numeric', precision: 16, scale: 4 })
  oldPrice: string;

  @Column({ name: 'new_price', type: 'numeric', precision: 16, scale: 4 })
  newPrice: string;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId: string | null;

  @Column({ type: 'varchar', length: 10 })
  source: PriceChangeSource;

  @Column({ type: 'text' })
  reason: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_listing_price_history_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'listing_id', foreignKeyConstraintName: 'fk_listing_price_history_listing' })
  listing?: Listing;
}
