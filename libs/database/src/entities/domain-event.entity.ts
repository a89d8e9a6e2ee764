import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A domain event (`product.created`, `order.created`, …) as partners receive it. */
@Entity({ name: 'events' })
@Index('idx_events_tenant_created', ['tenantId', 'createdAt', 'id'])
export class DomainEvent {
  /** `evt_` + 24 random base62-ish characters */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'varchar', length: 80 })
  type: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;
}
