import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supplier imports stage their rows with `COPY`, which cannot skip a conflicting row: a key listed
 * twice in a file is now found by one pass after the copy (the first row is kept, the others are
 * reported), so the (run_id, match_key) index no longer needs to be unique. It stays for the
 * on_missing lookups ("is this variant's key among the run's rows").
 */
export class SupplierStagingCopy1796070000000 implements MigrationInterface {
  name = 'SupplierStagingCopy1796070000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_supplier_staging_key"`);
    await queryRunner.query(`CREATE INDEX "idx_supplier_staging_key" ON "supplier_staging" ("run_id", "match_key") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_supplier_staging_key"`);
    await queryRunner.query(`DELETE FROM "supplier_staging"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_supplier_staging_key" ON "supplier_staging" ("run_id", "match_key") `);
  }
}
