import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type CheckoutSessionStatus = 'open' | 'completed' | 'expired';

/**
 * A Stripe Checkout Session created on a merchant's connected account for a storefront order or an
 * accepted quote: the link from Stripe's webhooks back to what they pay for.
 */
@Entity({ name: 'checkout_sessions' })
@Index('idx_checkout_sessions_tenant_order', ['tenantId', 'orderId'], { where: 'order_id IS NOT NULL' })
@Index('idx_checkout_sessions_tenant_quote', ['tenantId', 'quoteId'], { where: 'quote_id IS NOT NULL' })
export class CheckoutSession {
  /** Stripe's id, cs_… */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'account_id', type: 'varchar', length: 64 })
  accountId: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ name: 'quote_id', type: 'uuid', nullable: true })
  quoteId: string | null;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: CheckoutSessionStatus;

  @Column({ type: 'varchar', length: 4096 })
  url: string;

  @Column({ type: 'numeric', precision: 16, scale: 4 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_checkout_sessions_tenant' })
  tenant?: Tenant;
}
