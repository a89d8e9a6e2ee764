import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from './tenant.entity';
import { User } from './user.entity';

/** A WooCommerce site that registered an account through the plugin, with the hash of its site secret. */
@Entity({ name: 'plugin_sites' })
@Index('uq_plugin_sites_user_store', ['userId', 'storeUrl'], { unique: true })
export class PluginSite {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'store_url', type: 'varchar', length: 2048 })
  storeUrl: string;

  @Column({ name: 'site_secret_hash', type: 'text', nullable: true })
  siteSecretHash: string | null;

  @Column({ type: 'varchar', length: 40 })
  source: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_plugin_sites_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_plugin_sites_user' })
  user?: User;

}
