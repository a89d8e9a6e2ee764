import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Product } from './product.entity';

@Entity({ name: 'variants' })
@Index('uq_variants_tenant_sku', ['tenantId', 'sku'], { unique: true, where: 'sku IS NOT NULL' })
@Index('idx_variants_product', ['productId', 'position'])
@Index('idx_variants_sku_trgm', { synchronize: false })
@Index('idx_variants_tenant_barcode', ['tenantId', 'barcode'], { where: 'barcode IS NOT NULL' })
export class Variant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  sku: string | null;

  @Column({ type: 'varchar', length: 14, nullable: true })
  barcode: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  title: string | null;

  /** exact decimal, major units; a string in TypeScript */
  @Column({ type: 'numeric', precision: 16, scale: 4, nullable: true })
  price: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'compare_at_price', type: 'numeric', precision: 16, scale: 4, nullable: true })
  compareAtPrice: string | null;

  @Column({ name: 'cost_price', type: 'numeric', precision: 16, scale: 4, nullable: true })
  costPrice: string | null;

  /** option name → value, e.g. {"Size": "M", "Color": "Blue"} */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  options: Record<string, string>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes: Record<string, string | number | boolean>;

  @Column({ name: 'weight_grams', type: 'integer', nullable: true })
  weightGrams: number | null;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_variants_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Product, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'fk_variants_product' })
  product?: Product;
}
