import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Product } from './product.entity';
import { Variant } from './variant.entity';

/** An image or other asset of exactly one product or one variant. */
@Entity({ name: 'media' })
@Check('ck_media_owner', '(product_id IS NULL) <> (variant_id IS NULL)')
@Index('idx_media_product', ['productId', 'sortOrder'], { where: 'product_id IS NOT NULL' })
@Index('idx_media_variant', ['variantId', 'sortOrder'], { where: 'variant_id IS NOT NULL' })
@Index('idx_media_tenant_created', ['tenantId', 'createdAt', 'id'])
export class Media {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'product_id', type: 'uuid', nullable: true })
  productId: string | null;

  @Column({ name: 'variant_id', type: 'uuid', nullable: true })
  variantId: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ name: 'alt_text', type: 'varchar', length: 500, nullable: true })
  altText: string | null;

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_media_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Product, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'fk_media_product' })
  product?: Product;

  @ManyToOne(() => Variant, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'fk_media_variant' })
  variant?: Variant;
}
