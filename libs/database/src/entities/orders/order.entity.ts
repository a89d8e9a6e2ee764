import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Channel } from './channel.entity';

export type OrderStatus = 'pending' | 'paid' | 'fulfilled' | 'completed' | 'cancelled' | 'returned' | 'refunded';
/** What the order holds in stock: a reservation (pending), a deduction (paid or imported), or nothing. */
export type OrderStockState = 'reserved' | 'deducted' | 'released' | 'none';

/**
 * An order from any channel. Imported orders are unique per (channel, external id) and updated in
 * place. Money is numeric (exact decimal), totals computed in exact decimal arithmetic.
 */
@Entity({ name: 'orders' })
@Index('uq_orders_channel_external', ['tenantId', 'channelId', 'externalId'], { unique: true, where: 'external_id IS NOT NULL' })
@Index('idx_orders_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_orders_tenant_status_created', ['tenantId', 'status', 'createdAt'])
@Index('idx_orders_tenant_channel_created', ['tenantId', 'channelId', 'createdAt'])
@Index('idx_orders_tenant_email', ['tenantId', 'customerEmail'])
@Index('idx_orders_reservation_due', ['reservationExpiresAt'], { where: "status = 'pending' AND stock_state = 'reserved' AND reservation_expires_at IS NOT NULL" })
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId: string | null;

  /** the platform's order number / name (#1001) */
  @Column({ name: 'external_number', type: 'varchar', length: 100, nullable: true })
  externalNumber: string | null;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: OrderStatus;

  @Column({ name: 'stock_state', type: 'varchar', length: 10, default: 'none' })
  stockState: OrderStockState;

  /** while pending with stock reserved: when the worker cancels the order and releases its stock (null: never) */
  @Column({ name: 'reservation_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  reservationExpiresAt: Date | null;

  @Column({ name: 'location_id', type: 'uuid', nullable: true })
  locationId: string | null;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'customer_email', type: 'varchar', length: 320, nullable: true })
  customerEmail: string | null;

  @Column({ name: 'customer_name', type: 'varchar', length: 200, nullable: true })
  customerName: string | null;

  @Column({ name: 'customer_phone', type: 'varchar', length: 50, nullable: true })
  customerPhone: string | null;

  @Column({ name: 'shipping_address', type: 'jsonb', nullable: true })
  shippingAddress: Record<string, unknown> | null;

  @Column({ name: 'billing_address', type: 'jsonb', nullable: true })
  billingAddress: Record<string, unknown> | null;

  @Column({ type: 'numeric', precision: 16, scale: 4, default: 0 })
  subtotal: string;

  @Column({ name: 'shipping_total', type: 'numeric', precision: 16, scale: 4, default: 0 })
  shippingTotal: string;

  @Column({ name: 'tax_total', type: 'numeric', precision: 16, scale: 4, default: 0 })
  taxTotal: string;

  @Column({ name: 'discount_total', type: 'numeric', precision: 16, scale: 4, default: 0 })
  discountTotal: string;

  @Column({ type: 'numeric', precision: 16, scale: 4, default: 0 })
  total: string;

  @Column({ name: 'paid_total', type: 'numeric', precision: 16, scale: 4, default: 0 })
  paidTotal: string;

  @Column({ name: 'refunded_total', type: 'numeric', precision: 16, scale: 4, default: 0 })
  refundedTotal: string;

  /** some lines matched no variant by SKU (kept on the order, flagged) */
  @Column({ name: 'has_unmatched_lines', type: 'boolean', default: false })
  hasUnmatchedLines: boolean;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** the platform's updated_at of the last imported version (older deliveries are ignored) */
  @Column({ name: 'external_updated_at', type: 'timestamptz', precision: 3, nullable: true })
  externalUpdatedAt: Date | null;

  @Column({ name: 'placed_at', type: 'timestamptz', precision: 3, nullable: true })
  placedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_orders_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Channel, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'fk_orders_channel' })
  channel?: Channel;
}

@Entity({ name: 'order_lines' })
@Index('idx_order_lines_order', ['orderId', 'position'])
export class OrderLine {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'integer', default: 0 })
  position: number;

  /** null when the SKU matched no variant (the line is kept and flagged) */
  @Column({ name: 'variant_id', type: 'uuid', nullable: true })
  variantId: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  sku: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  title: string | null;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'unit_price', type: 'numeric', precision: 16, scale: 4 })
  unitPrice: string;

  @Column({ name: 'line_total', type: 'numeric', precision: 16, scale: 4 })
  lineTotal: string;

  @Column({ name: 'fulfilled_quantity', type: 'integer', default: 0 })
  fulfilledQuantity: number;

  @Column({ name: 'returned_quantity', type: 'integer', default: 0 })
  returnedQuantity: number;

  @Column({ type: 'boolean', default: false })
  unmatched: boolean;

  @Column({ name: 'external_line_id', type: 'varchar', length: 255, nullable: true })
  externalLineId: string | null;

  @ManyToOne(() => Order, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_lines_order' })
  order?: Order;
}

@Entity({ name: 'order_payments' })
@Index('idx_order_payments_order', ['orderId', 'createdAt'])
@Index('uq_order_payments_reference', ['orderId', 'provider', 'reference'], { unique: true, where: 'reference IS NOT NULL' })
export class OrderPayment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'numeric', precision: 16, scale: 4 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** manual, stripe, shopify, woocommerce, … */
  @Column({ type: 'varchar', length: 40, default: 'manual' })
  provider: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  method: string | null;

  /** the provider's payment id (checkout session, payment intent, transaction) */
  @Column({ type: 'varchar', length: 255, nullable: true })
  reference: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Order, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_payments_order' })
  order?: Order;
}

export interface OrderItemQuantity {
  line_id: string;
  quantity: number;
}

@Entity({ name: 'order_fulfillments' })
@Index('idx_order_fulfillments_order', ['orderId', 'createdAt'])
export class OrderFulfillment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  carrier: string | null;

  @Column({ name: 'tracking_number', type: 'varchar', length: 200, nullable: true })
  trackingNumber: string | null;

  @Column({ name: 'tracking_url', type: 'varchar', length: 2048, nullable: true })
  trackingUrl: string | null;

  @Column({ type: 'jsonb' })
  lines: OrderItemQuantity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Order, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_fulfillments_order' })
  order?: Order;
}

@Entity({ name: 'order_returns' })
@Index('idx_order_returns_order', ['orderId', 'createdAt'])
export class OrderReturn {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'boolean', default: true })
  restock: boolean;

  @Column({ name: 'refund_amount', type: 'numeric', precision: 16, scale: 4, nullable: true })
  refundAmount: string | null;

  @Column({ type: 'jsonb' })
  lines: OrderItemQuantity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Order, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_returns_order' })
  order?: Order;
}

/** Every status change and notable event of an order. */
@Entity({ name: 'order_history' })
@Index('idx_order_history_order', ['orderId', 'createdAt'])
export class OrderHistoryEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 40 })
  action: string;

  @Column({ name: 'from_status', type: 'varchar', length: 12, nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 12, nullable: true })
  toStatus: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Column({ name: 'actor_type', type: 'varchar', length: 20 })
  actorType: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 200 })
  actorId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Order, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_history_order' })
  order?: Order;
}
