import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job to enqueue, written in the same transaction as the change that causes it. The worker's
 * relay moves pending rows into BullMQ (job id = row id) and marks them relayed.
 */
@Entity({ name: 'outbox' })
@Index('idx_outbox_pending', ['createdAt'], { where: 'relayed_at IS NULL' })
@Index('idx_outbox_relayed', ['relayedAt'], { where: 'relayed_at IS NOT NULL' })
export class OutboxEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'job_name', type: 'varchar', length: 80 })
  jobName: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** earliest time the job may run (BullMQ delay) */
  @Column({ name: 'run_at', type: 'timestamptz', nullable: true })
  runAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt: Date | null;
}
