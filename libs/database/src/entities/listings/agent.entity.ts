import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';

/** What the last run of an agent did ('running' while it runs; a crashed run stays so until the next one). */
export interface AgentRunResult {
  status: 'ok' | 'error' | 'running';
  message?: string;
  counts?: Record<string, number>;
  run_id?: string;
  manual?: boolean;
  duration_ms?: number;
}

/**
 * One background automation of a tenant: a kind (mapped to a worker job by the agent kind registry
 * in libs/agents), the scope it works on, a schedule ("every 15m"), and its last and next run.
 * The worker's scheduler claims due rows with FOR UPDATE SKIP LOCKED, so several workers run each once.
 */
@Entity({ name: 'agents' })
@Index('uq_agents_tenant_kind_scope', ['tenantId', 'kind', 'scopeKey'], { unique: true })
@Index('idx_agents_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('idx_agents_due', ['nextRunAt'], { where: 'enabled' })
export class Agent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  scope: Record<string, string>;

  /** canonical text of the scope (uniqueness per tenant and kind) */
  @Column({ name: 'scope_key', type: 'varchar', length: 500, default: '' })
  scopeKey: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** "every <n><s|m|h|d>" */
  @Column({ type: 'varchar', length: 40 })
  schedule: string;

  @Column({ name: 'interval_seconds', type: 'integer' })
  intervalSeconds: number;

  @Column({ name: 'next_run_at', type: 'timestamptz', precision: 3 })
  nextRunAt: Date;

  @Column({ name: 'last_run_at', type: 'timestamptz', precision: 3, nullable: true })
  lastRunAt: Date | null;

  @Column({ name: 'last_result', type: 'jsonb', nullable: true })
  lastResult: AgentRunResult | null;

  /** the run last recorded: a redelivered run job is not run twice */
  @Column({ name: 'last_run_id', type: 'varchar', length: 64, nullable: true })
  lastRunId: string | null;

  @Column({ name: 'run_count', type: 'integer', default: 0 })
  runCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_agents_tenant' })
  tenant?: Tenant;
}
