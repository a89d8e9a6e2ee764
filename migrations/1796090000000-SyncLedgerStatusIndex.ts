import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's status index leads with the status after the tenant: `(tenant_id, status,
 * connection_id)`. As `(tenant_id, connection_id, status)` it matched a batch's claim and settle
 * (`tenant_id = $1 AND connection_id = $2 AND product_id = ANY($3)`) on two equality columns, as
 * well as the primary key `(connection_id, product_id)` did; for a tenant newer than the planner's
 * statistics (both estimate one row) PostgreSQL chose it and walked all of the connection's rows on
 * every batch. Now the key lookups have only the primary key (or `(tenant_id, product_id)`) to go
 * by, and the status queries (the summary's counts, `/api/sync/status`, the sweeper) have tenant
 * and status as a prefix.
 */
export class SyncLedgerStatusIndex1796090000000 implements MigrationInterface {
  name = 'SyncLedgerStatusIndex1796090000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_sync_states_tenant_connection_status"`);
    await queryRunner.query(`CREATE INDEX "idx_sync_states_tenant_status_connection" ON "sync_states" ("tenant_id", "status", "connection_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_sync_states_tenant_status_connection"`);
    await queryRunner.query(`CREATE INDEX "idx_sync_states_tenant_connection_status" ON "sync_states" ("tenant_id", "connection_id", "status") `);
  }
}
