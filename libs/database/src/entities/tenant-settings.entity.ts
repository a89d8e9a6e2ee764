import { JoinColumn, ManyToOne, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from './tenant.entity';

@Entity({ name: 'tenant_settings' })
export class TenantSettings {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'default_currency', type: 'char', length: 3, default: 'USD' })
  defaultCurrency: string;

  @Column({ name: 'auto_sync', type: 'boolean', default: false })
  autoSync: boolean;

  @Column({ name: 'low_stock_threshold', type: 'integer', default: 5 })
  lowStockThreshold: number;

  @Column({ name: 'allow_backorders', type: 'boolean', default: false })
  allowBackorders: boolean;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column({ name: 'weight_unit', type: 'varchar', length: 2, default: 'kg' })
  weightUnit: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_tenant_settings_tenant' })
  tenant?: Tenant;

}
