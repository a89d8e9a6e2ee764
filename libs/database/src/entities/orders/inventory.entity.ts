import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Variant } from '../pim/variant.entity';

/** A place stock is kept. Each tenant has exactly one default location (created on first use). */
@Entity({ name: 'inventory_locations' })
@Index('uq_inventory_locations_default', ['tenantId'], { unique: true, where: 'is_default' })
@Index('uq_inventory_locations_tenant_name', ['tenantId', 'name'], { unique: true })
@Index('idx_inventory_locations_tenant_created', ['tenantId', 'createdAt', 'id'])
export class InventoryLocation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'jsonb', nullable: true })
  address: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_inventory_locations_tenant' })
  tenant?: Tenant;
}

/**
 * Stock of one variant at one location. `available` = on_hand − reserved; every change is a
 * conditional UPDATE in SQL (never read-then-write in memory); stock.low is emitted by the one change
 * whose before/after available straddle the tenant's threshold downward.
 */
@Entity({ name: 'inventory_levels' })
@Index('uq_inventory_levels_variant_location', ['variantId', 'locationId'], { unique: true })
@Index('idx_inventory_levels_tenant_variant', ['tenantId', 'variantId'])
@Index('idx_inventory_levels_tenant_created', ['tenantId', 'createdAt', 'id'])
export class InventoryLevel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'variant_id', type: 'uuid' })
  variantId: string;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @Column({ name: 'on_hand', type: 'integer', default: 0 })
  onHand: number;

  @Column({ type: 'integer', default: 0 })
  reserved: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_inventory_levels_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Variant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'fk_inventory_levels_variant' })
  variant?: Variant;

  @ManyToOne(() => InventoryLocation, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_inventory_levels_location' })
  location?: InventoryLocation;
}

export type MovementKind = 'adjust' | 'set' | 'reserve' | 'release' | 'commit' | 'sale' | 'cancel' | 'return' | 'expire';

/** One change of a level: who, why, before and after (on hand and reserved). Append-only. */
@Entity({ name: 'inventory_movements' })
@Index('idx_inventory_movements_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_inventory_movements_tenant_variant_created', ['tenantId', 'variantId', 'createdAt'])
export class InventoryMovement {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'variant_id', type: 'uuid' })
  variantId: string;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @Column({ type: 'varchar', length: 20 })
  kind: MovementKind;

  @Column({ type: 'integer' })
  delta: number;

  @Column({ name: 'on_hand_before', type: 'integer' })
  onHandBefore: number;

  @Column({ name: 'on_hand_after', type: 'integer' })
  onHandAfter: number;

  @Column({ name: 'reserved_before', type: 'integer' })
  reservedBefore: number;

  @Column({ name: 'reserved_after', type: 'integer' })
  reservedAfter: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  /** order or reservation id (or a caller's reference) */
  @Column({ type: 'varchar', length: 255, nullable: true })
  reference: string | null;

  @Column({ name: 'actor_type', type: 'varchar', length: 20 })
  actorType: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 200 })
  actorId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_inventory_movements_tenant' })
  tenant?: Tenant;
}

export type ReservationStatus = 'active' | 'released' | 'committed' | 'expired';

/** Units held for a checkout or an order until released, committed (deducted) or expired. */
@Entity({ name: 'inventory_reservations' })
@Index('idx_inventory_reservations_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_inventory_reservations_due', ['expiresAt'], { where: "status = 'active' AND expires_at IS NOT NULL" })
export class InventoryReservation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 12, default: 'active' })
  status: ReservationStatus;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @Column({ name: 'channel_id', type: 'uuid', nullable: true })
  channelId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reference: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  expiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_inventory_reservations_tenant' })
  tenant?: Tenant;
}

@Entity({ name: 'inventory_reservation_lines' })
@Index('idx_inventory_reservation_lines_reservation', ['reservationId'])
export class InventoryReservationLine {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'reservation_id', type: 'uuid' })
  reservationId: string;

  @Column({ name: 'variant_id', type: 'uuid' })
  variantId: string;

  @Column({ type: 'integer' })
  quantity: number;

  @ManyToOne(() => InventoryReservation, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'reservation_id', foreignKeyConstraintName: 'fk_inventory_reservation_lines_reservation' })
  reservation?: InventoryReservation;
}
