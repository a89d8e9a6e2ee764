import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { StoreConnection } from '../sync/connection.entity';
import { InventoryLocation } from './inventory.entity';
import { Variant } from '../pim/variant.entity';

export type ChannelKind = 'connection' | 'storefront' | 'manual';

/**
 * Where orders come from: one per connection, plus the storefront and manual/API orders. A channel
 * sells from one stock location (the default when unset) and holds back `stock_buffer` units.
 */
@Entity({ name: 'channels' })
@Index('uq_channels_tenant_connection', ['tenantId', 'connectionId'], { unique: true, where: 'connection_id IS NOT NULL' })
@Index('uq_channels_tenant_kind', ['tenantId', 'kind'], { unique: true, where: "kind <> 'connection'" })
@Index('idx_channels_tenant_created', ['tenantId', 'createdAt', 'id'])
export class Channel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 20 })
  kind: ChannelKind;

  @Column({ name: 'connection_id', type: 'uuid', nullable: true })
  connectionId: string | null;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'location_id', type: 'uuid', nullable: true })
  locationId: string | null;

  @Column({ name: 'stock_buffer', type: 'integer', default: 0 })
  stockBuffer: number;

  @Column({ name: 'import_orders', type: 'boolean', default: true })
  importOrders: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_channels_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => StoreConnection, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_channels_connection' })
  connection?: StoreConnection;

  @ManyToOne(() => InventoryLocation, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_channels_location' })
  location?: InventoryLocation;
}

/**
 * Propagation ledger: one row per (channel, variant) whose available stock must reach the channel.
 * A stock change bumps `requested_seq`; the coalesced push settles the seq it read (`pushed_seq`).
 */
@Entity({ name: 'channel_stock_states' })
@Index('idx_channel_stock_states_dirty', ['channelId', 'updatedAt'], { where: 'requested_seq > pushed_seq' })
export class ChannelStockState {
  @PrimaryColumn({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @PrimaryColumn({ name: 'variant_id', type: 'uuid' })
  variantId: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'requested_seq', type: 'bigint', default: 1 })
  requestedSeq: string;

  @Column({ name: 'pushed_seq', type: 'bigint', default: 0 })
  pushedSeq: string;

  @Column({ name: 'pushed_quantity', type: 'integer', nullable: true })
  pushedQuantity: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'pushed_at', type: 'timestamptz', nullable: true })
  pushedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Channel, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'fk_channel_stock_states_channel' })
  channel?: Channel;

  @ManyToOne(() => Variant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'fk_channel_stock_states_variant' })
  variant?: Variant;
}

/** Where the periodic order pull of a connection resumes (platform-specific cursor: a timestamp or page token). */
@Entity({ name: 'order_pull_cursors' })
export class OrderPullCursor {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  cursor: string | null;

  @Column({ name: 'last_pulled_at', type: 'timestamptz', nullable: true })
  lastPulledAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'orders_seen', type: 'integer', default: 0 })
  ordersSeen: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => StoreConnection, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_order_pull_cursors_connection' })
  connection?: StoreConnection;
}
