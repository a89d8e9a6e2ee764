import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@synq/common';
import { Tenant } from './tenant.entity';
import { Organization } from './organization.entity';

@Entity({ name: 'api_keys' })
@Index('uq_api_keys_hash', ['keyHash'], { unique: true })
@Index('idx_api_keys_tenant', ['tenantId', 'orgId', 'createdAt'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 4 })
  environment: 'live' | 'test';

  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'varchar', length: 32 })
  redacted: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64, select: false })
  keyHash: string;

  @Column({ type: 'varchar', length: 10 })
  role: Role;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_api_keys_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_api_keys_org' })
  organization?: Organization;

}
