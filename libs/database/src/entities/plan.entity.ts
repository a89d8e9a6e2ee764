import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type PlanCode = 'starter' | 'growth' | 'pro';

@Entity({ name: 'plans' })
export class Plan {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  code: PlanCode;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** null = unlimited */
  @Column({ name: 'product_limit', type: 'integer', nullable: true })
  productLimit: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
