import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type StripeAccountStatus = 'pending' | 'active' | 'disconnected';

/**
 * The merchant's connected Stripe account (Connect): storefront checkouts are direct charges on it.
 * `pending` while onboarding (account created, the return path not yet reached), `active` once the
 * return path stored it, `disconnected` after DELETE. No credentials: the platform key acts on the
 * account with the Stripe-Account header.
 */
@Entity({ name: 'stripe_accounts' })
@Index('uq_stripe_accounts_account', ['accountId'], { unique: true, where: "account_id IS NOT NULL AND status <> 'disconnected'" })
export class StripeAccount {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'account_id', type: 'varchar', length: 64, nullable: true })
  accountId: string | null;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: StripeAccountStatus;

  @Column({ name: 'charges_enabled', type: 'boolean', default: false })
  chargesEnabled: boolean;

  @Column({ name: 'details_submitted', type: 'boolean', default: false })
  detailsSubmitted: boolean;

  @Column({ name: 'connected_at', type: 'timestamptz', precision: 3, nullable: true })
  connectedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_stripe_accounts_tenant' })
  tenant?: Tenant;
}
