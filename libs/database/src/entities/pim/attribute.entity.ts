import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

export type AttributeType = 'TEXT' | 'NUMBER' | 'BOOLEAN' | 'SELECT';

@Entity({ name: 'attributes' })
@Index('uq_attributes_tenant_slug', ['tenantId', 'slug'], { unique: true })
@Index('idx_attributes_tenant_created', ['tenantId', 'createdAt', 'id'])
export class Attribute {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  slug: string;

  @Column({ type: 'varchar', length: 10, default: 'TEXT' })
  type: AttributeType;

  /** allowed values of a SELECT attribute */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  options: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_attributes_tenant' })
  tenant?: Tenant;
}
