import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DomainEvent } from './domain-event.entity';
import { Tenant } from './tenant.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export type WebhookDeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed';

/**
 * One event for one endpoint. The row is the source of truth of a delivery: queued jobs only wake
 * it up, and an attempt is made only by whoever claims the row while it is due (so a duplicate job
 * never sends twice). `locked_until` is the claim; an expired claim means the worker died mid-attempt.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('uq_webhook_deliveries_event_endpoint', ['eventId', 'endpointId'], { unique: true })
@Index('idx_webhook_deliveries_endpoint_created', ['endpointId', 'createdAt', 'id'])
@Index('idx_webhook_deliveries_due', ['nextAttemptAt'], { where: `status IN ('pending', 'retrying')` })
@Index('idx_webhook_deliveries_settled', ['createdAt'], { where: `status IN ('delivered', 'failed')` })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 80 })
  eventType: string;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: WebhookDeliveryStatus;

  /** attempts made, ever (replays included) */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** value of `attempts` when the current retry cycle began (a replay starts a new one) */
  @Column({ name: 'retry_base', type: 'integer', default: 0 })
  retryBase: number;

  @Column({ name: 'last_response_code', type: 'integer', nullable: true })
  lastResponseCode: number | null;

  @Column({ name: 'last_latency_ms', type: 'integer', nullable: true })
  lastLatencyMs: number | null;

  /** first 1 KB of the last response body */
  @Column({ name: 'last_response_body', type: 'text', nullable: true })
  lastResponseBody: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'locked_until', type: 'timestamptz', precision: 3, nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_webhook_deliveries_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'fk_webhook_deliveries_endpoint' })
  endpoint?: WebhookEndpoint;

  @ManyToOne(() => DomainEvent, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'fk_webhook_deliveries_event' })
  event?: DomainEvent;
}
