import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Variant } from '../pim/variant.entity';
import { Supplier } from './supplier.entity';

/**
 * A variant a supplier provides: its product group key, the supplier's stock figure and the last run
 * that wrote it. A run's on_missing acts on the items whose key is not among the run's staged rows.
 */
@Entity({ name: 'supplier_items' })
@Index('idx_supplier_items_supplier_run', ['supplierId', 'lastRunId'])
@Index('idx_supplier_items_group', ['supplierId', 'groupKey'], { where: 'group_key IS NOT NULL' })
export class SupplierItem {
  @PrimaryColumn({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @PrimaryColumn({ name: 'variant_id', type: 'uuid' })
  variantId: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ name: 'group_key', type: 'varchar', length: 255, nullable: true })
  groupKey: string | null;

  @Column({ name: 'last_run_id', type: 'uuid' })
  lastRunId: string;

  @Column({ type: 'integer', nullable: true })
  stock: number | null;

  /** md5 of the mapped row (staged JSON) this item was last applied from */
  @Column({ name: 'row_hash', type: 'uuid', nullable: true })
  rowHash: string | null;

  /** when that row was applied (compared with the variant's and product's updated_at) */
  @Column({ name: 'applied_at', type: 'timestamptz', precision: 3, nullable: true })
  appliedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Supplier, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'supplier_id', foreignKeyConstraintName: 'fk_supplier_items_supplier' })
  supplier?: Supplier;

  @ManyToOne(() => Variant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'fk_supplier_items_variant' })
  variant?: Variant;
}
