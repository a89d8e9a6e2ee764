import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '@synq/common';
import { Tenant } from './tenant.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

@Entity({ name: 'memberships' })
@Index('uq_memberships_org_user', ['orgId', 'userId'], { unique: true })
@Index('idx_memberships_user', ['userId'])
@Index('idx_memberships_tenant_org', ['tenantId', 'orgId', 'createdAt'])
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 10 })
  role: Role;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_memberships_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_memberships_org' })
  organization?: Organization;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_memberships_user' })
  user?: User;

}
