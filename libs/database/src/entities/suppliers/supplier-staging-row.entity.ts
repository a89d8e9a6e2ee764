import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SupplierRun } from './supplier-run.entity';

/** A parsed, mapped and validated row of a run, waiting to be applied (deleted when the run ends). */
@Entity({ name: 'supplier_staging' })
@Index('idx_supplier_staging_key', ['runId', 'matchKey'])
export class SupplierStagingRow {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  /** the row's ordinal in the file (1-based): the order rows are applied in */
  @PrimaryColumn({ type: 'integer' })
  seq: number;

  /** CSV/TSV: the row's first physical line; XML/JSON: the line the item starts on */
  @Column({ type: 'integer' })
  line: number;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'match_key', type: 'varchar', length: 100 })
  matchKey: string;

  /** the mapped fields (see libs/feeds supplier mapping) */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @ManyToOne(() => SupplierRun, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_supplier_staging_run' })
  run?: SupplierRun;
}
