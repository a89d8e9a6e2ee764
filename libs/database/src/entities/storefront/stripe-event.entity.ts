import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A Stripe webhook event already processed (its id is the key): a replay is recognised and skipped. */
@Entity({ name: 'stripe_events' })
@Index('idx_stripe_events_received', ['receivedAt'])
export class StripeEvent {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ name: 'account_id', type: 'varchar', length: 64, nullable: true })
  accountId: string | null;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz', precision: 3 })
  receivedAt: Date;
}
