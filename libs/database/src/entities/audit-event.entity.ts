import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditChanges = Record<string, { from?: unknown; to?: unknown }>;

/** Append-only: a trigger refuses UPDATE and DELETE. */
@Entity({ name: 'audit_events' })
@Index('idx_audit_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_audit_tenant_resource', ['tenantId', 'resourceType', 'resourceId'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid', nullable: true })
  orgId: string | null;

  @Column({ name: 'actor_type', type: 'varchar', length: 20 })
  actorType: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 100 })
  actorId: string;

  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 60 })
  resourceType: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 100, nullable: true })
  resourceId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  changes: AuditChanges;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
