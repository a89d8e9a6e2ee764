import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenant.entity';
import { Quote } from './quote.entity';

/** A file a shopper uploaded for a quote (STL, OBJ, 3MF, PDF, PNG, JPEG), stored under STORAGE_DIR. */
@Entity({ name: 'storefront_files' })
@Index('idx_storefront_files_tenant_quote', ['tenantId', 'quoteId'])
export class StorefrontFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'quote_id', type: 'uuid', nullable: true })
  quoteId: string | null;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName: string;

  /** detected from the content: stl, obj, 3mf, pdf, png, jpeg */
  @Column({ type: 'varchar', length: 8 })
  kind: string;

  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  /** path relative to STORAGE_DIR */
  @Column({ name: 'storage_path', type: 'varchar', length: 1024 })
  storagePath: string;

  /** sha256 of the download token handed to the uploader */
  @Column({ name: 'access_token_hash', type: 'varchar', length: 64 })
  accessTokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_storefront_files_tenant' })
  tenant?: Tenant;

  @ManyToOne(() => Quote, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'quote_id', foreignKeyConstraintName: 'fk_storefront_files_quote' })
  quote?: Quote;
}
