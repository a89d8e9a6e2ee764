import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

/**
 * A `state` Synq issued for an authorization flow (unified-API connect, Shopify OAuth): stored as a
 * hash, bound to a tenant and organization, single-use and expiring.
 */
@Entity({ name: 'oauth_states' })
@Index('uq_oauth_states_hash', ['stateHash'], { unique: true })
@Index('idx_oauth_states_expires', ['expiresAt'])
export class OAuthState {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  /** e.g. `unified_connect`, `shopify_oauth` */
  @Column({ type: 'varchar', length: 40 })
  purpose: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_oauth_states_tenant' })
  tenant?: Tenant;
}
