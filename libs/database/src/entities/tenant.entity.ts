import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Plan, PlanCode } from './plan.entity';

@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20, default: 'starter' })
  plan: PlanCode;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Plan, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'plan', referencedColumnName: 'code', foreignKeyConstraintName: 'fk_tenants_plan' })
  planRef?: Plan;
}
