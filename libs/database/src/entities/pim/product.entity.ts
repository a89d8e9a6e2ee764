import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Brand } from './brand.entity';
import { Category } from './category.entity';
import { ProductTemplate } from './template.entity';

export type ProductStatus = 'ACTIVE' | 'DRAFT' | 'ARCHIVED';

@Entity({ name: 'products' })
@Index('idx_products_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_products_tenant_category', ['tenantId', 'categoryId'])
@Index('idx_products_tenant_brand', ['tenantId', 'brandId'])
@Index('idx_products_tenant_updated', ['tenantId', 'updatedAt'])
@Index('uq_products_tenant_handle', ['tenantId', 'handle'], { unique: true })
/** trigram index for `q` search (created in the migration with gin_trgm_ops) */
@Index('idx_products_title_trgm', { synchronize: false })
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  /** URL-safe, unique per tenant; used by storefront links and feed link templates */
  @Column({ type: 'varchar', length: 255 })
  handle: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 10, default: 'ACTIVE' })
  status: ProductStatus;

  @Column({ name: 'category_id', type: 'uuid', nullable: true })
  categoryId: string | null;

  @Column({ name: 'brand_id', type: 'uuid', nullable: true })
  brandId: string | null;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId: string | null;

  /** attribute slug → typed value */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes: Record<string, string | number | boolean>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_products_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Category, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'category_id', foreignKeyConstraintName: 'fk_products_category' })
  category?: Category;

  @ManyToOne(() => Brand, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'brand_id', foreignKeyConstraintName: 'fk_products_brand' })
  brand?: Brand;

  @ManyToOne(() => ProductTemplate, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'fk_products_template' })
  template?: ProductTemplate;
}
