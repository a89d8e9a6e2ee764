import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

/** pending → quoted → accepted → paid; pending or quoted → rejected. */
export type QuoteStatus = 'pending' | 'quoted' | 'accepted' | 'paid' | 'rejected';

export interface StorefrontCustomer {
  name: string;
  email: string;
  phone?: string;
  address?: string;
}

/** A custom-order request raised on the storefront, priced by the merchant, accepted and paid by the customer. */
@Entity({ name: 'quotes' })
@Index('idx_quotes_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_quotes_tenant_status_created', ['tenantId', 'status', 'createdAt', 'id'])
export class Quote {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: QuoteStatus;

  @Column({ type: 'jsonb' })
  customer: StorefrontCustomer;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'integer', default: 1 })
  quantity: number;

  @Column({ name: 'file_url', type: 'varchar', length: 2048, nullable: true })
  fileUrl: string | null;

  /** total price of the quote, major units */
  @Column({ type: 'numeric', precision: 16, scale: 4, nullable: true })
  amount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'valid_until', type: 'timestamptz', precision: 3, nullable: true })
  validUntil: Date | null;

  /** sha256 of the customer's access token (the token is shown once, at creation) */
  @Column({ name: 'access_token_hash', type: 'varchar', length: 64 })
  accessTokenHash: string;

  /** the order created when the quote was accepted */
  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ name: 'quoted_at', type: 'timestamptz', precision: 3, nullable: true })
  quotedAt: Date | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', precision: 3, nullable: true })
  acceptedAt: Date | null;

  @Column({ name: 'paid_at', type: 'timestamptz', precision: 3, nullable: true })
  paidAt: Date | null;

  @Column({ name: 'rejected_at', type: 'timestamptz', precision: 3, nullable: true })
  rejectedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_quotes_tenant' })
  tenant?: Tenant;
}
