import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - Bulk jobs walk the products in (created_at, id) order: the keyset of the last applied product.
 * - Every event is updated once after it is dispatched (`dispatched_at`); with free space left in
 *   each page that update can be HOT (no index entries rewritten). A bulk job's 100k events were
 *   otherwise moved to other pages, with new entries in both of the table's indexes (one of them on
 *   the random event id), while the job was still running.
 * - Likewise a sync job's claim of its ledger row (lease columns, none indexed) can be HOT once
 *   `sync_states` pages keep free space; the row is updated twice per push (claim, settle).
 */
export class BulkKeysetEventsFillfactor1796060000000 implements MigrationInterface {
  name = 'BulkKeysetEventsFillfactor1796060000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bulk_jobs" ADD "last_created_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "events" SET (fillfactor = 80)`);
    await queryRunner.query(`ALTER TABLE "sync_states" SET (fillfactor = 70)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_states" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "events" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "bulk_jobs" DROP COLUMN "last_created_at"`);
  }
}
