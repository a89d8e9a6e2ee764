import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type RepricerStrategy = 'match_lowest' | 'beat_lowest' | 'match_featured' | 'cost_plus';

export interface RepricerScope {
  listing_ids?: string[];
  skus?: string[];
  /** category id */
  category?: string;
  marketplace?: string;
}

/** Local time window in which a rule applies: "HH:MM" to "HH:MM" (wrapping midnight when end < start). */
export interface ActiveHours {
  start: string;
  end: string;
  timezone: string;
  /** 0 = Sunday … 6 = Saturday; all days when absent */
  days?: number[];
}

/** A repricing rule; per listing the first matching enabled rule (by priority, then age) wins. */
@Entity({ name: 'repricer_rules' })
@Index('idx_repricer_rules_tenant_order', ['tenantId', 'priority', 'createdAt', 'id'])
@Index('idx_repricer_rules_tenant_created', ['tenantId', 'createdAt', 'id'])
export class RepricerRule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  strategy: RepricerStrategy;

  @Column({ type: 'numeric', precision: 16, scale: 4, nullable: true })
  amount: string | null;

  @Column({ type: 'numeric', precision: 7, scale: 4, nullable: true })
  percent: string | null;

  @Column({ name: 'min_price', type: 'numeric', precision: 16, scale: 4 })
  minPrice: string;

  @Column({ name: 'max_price', type: 'numeric', precision: 16, scale: 4, nullable: true })
  maxPrice: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  scope: RepricerScope;

  @Column({ name: 'exclude_sellers', type: 'jsonb', default: () => "'[]'" })
  excludeSellers: string[];

  @Column({ name: 'only_condition', type: 'varchar', length: 20, nullable: true })
  onlyCondition: string | null;

  @Column({ name: 'active_hours', type: 'jsonb', nullable: true })
  activeHours: ActiveHours | null;

  @Column({ type: 'integer', default: 0 })
  priority: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_repricer_rules_tenant' })
  tenant?: Tenant;
}
