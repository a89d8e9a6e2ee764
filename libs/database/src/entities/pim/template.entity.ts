import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Attribute } from './attribute.entity';

/** A product type: which attributes its products have and which of them are required. */
@Entity({ name: 'product_templates' })
@Index('uq_product_templates_tenant_slug', ['tenantId', 'slug'], { unique: true })
@Index('idx_product_templates_tenant_created', ['tenantId', 'createdAt', 'id'])
export class ProductTemplate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  slug: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_product_templates_tenant' })
  tenant?: Tenant;
}

@Entity({ name: 'product_template_attributes' })
@Index('idx_pta_attribute', ['attributeId'])
export class ProductTemplateAttribute {
  @PrimaryColumn({ name: 'template_id', type: 'uuid' })
  templateId: string;

  @PrimaryColumn({ name: 'attribute_id', type: 'uuid' })
  attributeId: string;

  @Column({ type: 'boolean', default: false })
  required: boolean;

  @Column({ type: 'integer' })
  position: number;

  @ManyToOne(() => ProductTemplate, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'fk_pta_template' })
  template?: ProductTemplate;

  @ManyToOne(() => Attribute, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'attribute_id', foreignKeyConstraintName: 'fk_pta_attribute' })
  attribute?: Attribute;
}
