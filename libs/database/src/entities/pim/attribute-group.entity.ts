import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Attribute } from './attribute.entity';

/** An ordered set of attributes (e.g. "Dimensions": width, height, depth). */
@Entity({ name: 'attribute_groups' })
@Index('uq_attribute_groups_tenant_slug', ['tenantId', 'slug'], { unique: true })
@Index('idx_attribute_groups_tenant_created', ['tenantId', 'createdAt', 'id'])
export class AttributeGroup {
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
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_attribute_groups_tenant' })
  tenant?: Tenant;
}

@Entity({ name: 'attribute_group_attributes' })
@Index('idx_aga_attribute', ['attributeId'])
export class AttributeGroupAttribute {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId: string;

  @PrimaryColumn({ name: 'attribute_id', type: 'uuid' })
  attributeId: string;

  @Column({ type: 'integer' })
  position: number;

  @ManyToOne(() => AttributeGroup, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'fk_aga_group' })
  group?: AttributeGroup;

  @ManyToOne(() => Attribute, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'attribute_id', foreignKeyConstraintName: 'fk_aga_attribute' })
  attribute?: Attribute;
}
