import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supplier imports stage their rows with `COPY`, which cannot skip a conflicting row: a key listed
 * twice in a file is now found by one pass after the copy (the first row is kept, the others are
 * reported), so the (run_id, match_key) index no longer needs to be unique. It stays for the
 * on_missing lookups ("is this variant's key among the run's rows").
 *
 * A supplier item remembers the hash of the mapped row it was last applied from and when: a row of
 * a later run with the same hash, whose variant and product were not changed since, is unchanged
 * without being compared field by field (a re-run of an unchanged file reads only the staged rows).
 * Same precision as the catalog's updated_at, so that both round `now()` alike.
 */
export class SupplierImportFastPath1796080000000 implements MigrationInterface {
  name = 'SupplierImportFastPath1796080000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_supplier_staging_key"`);
    await queryRunner.query(`CREATE INDEX "idx_supplier_staging_key" ON "supplier_staging" ("run_id", "match_key") `);
    await queryRunner.query(`ALTER TABLE "supplier_items" ADD "row_hash" uuid`);
    await queryRunner.query(`ALTER TABLE "supplier_items" ADD "applied_at" TIMESTAMP(3) WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "supplier_items" DROP COLUMN "applied_at"`);
    await queryRunner.query(`ALTER TABLE "supplier_items" DROP COLUMN "row_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_supplier_staging_key"`);
    await queryRunner.query(`DELETE FROM "supplier_staging"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_supplier_staging_key" ON "supplier_staging" ("run_id", "match_key") `);
  }
}
