import { MigrationInterface, QueryRunner } from 'typeorm';

export class Suppliers1796040888540 implements MigrationInterface {
  name = 'Suppliers1796040888540';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "suppliers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid, "name" character varying(200) NOT NULL, "url" character varying(2048), "auth_type" character varying(10), "auth_sealed" text, "format" character varying(8) NOT NULL, "item_path" character varying(200), "mapping" jsonb NOT NULL DEFAULT '[]', "match_on" character varying(10) NOT NULL DEFAULT 'sku', "on_missing" character varying(12) NOT NULL DEFAULT 'keep', "currency" character(3), "schedule" jsonb, "next_run_at" TIMESTAMP(3) WITH TIME ZONE, "enabled" boolean NOT NULL DEFAULT true, "last_run_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b70ac51766a9e3144f778cfe81e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_suppliers_next_run" ON "suppliers"  ("next_run_at") WHERE next_run_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_suppliers_tenant_created" ON "suppliers"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "supplier_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "supplier_id" uuid NOT NULL, "trigger" character varying(10) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'queued', "upload_file" character varying(1024), "bytes" bigint NOT NULL DEFAULT '0', "rows_total" integer NOT NULL DEFAULT '0', "rows_staged" integer NOT NULL DEFAULT '0', "rows_applied" integer NOT NULL DEFAULT '0', "created" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "unchanged" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "missing_handled" integer NOT NULL DEFAULT '0', "errors" jsonb NOT NULL DEFAULT '[]', "error" text, "apply_cursor" integer NOT NULL DEFAULT '0', "missing_cursor" uuid, "missing_done" boolean NOT NULL DEFAULT false, "started_at" TIMESTAMP(3) WITH TIME ZONE, "finished_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c0fc34471a53f6100ab7a84f242" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_supplier_runs_active" ON "supplier_runs"  ("supplier_id") WHERE status IN ('queued', 'running', 'applying')`);
    await queryRunner.query(`CREATE INDEX "idx_supplier_runs_supplier_created" ON "supplier_runs"  ("tenant_id", "supplier_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "supplier_staging" ("run_id" uuid NOT NULL, "seq" integer NOT NULL, "line" integer NOT NULL, "tenant_id" uuid NOT NULL, "match_key" character varying(100) NOT NULL, "data" jsonb NOT NULL, CONSTRAINT "PK_00456d5878a5e9aa2a0e2f2e65c" PRIMARY KEY ("run_id", "seq"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_supplier_staging_key" ON "supplier_staging"  ("run_id", "match_key") `);
    await queryRunner.query(`CREATE TABLE "supplier_items" ("supplier_id" uuid NOT NULL, "variant_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "product_id" uuid NOT NULL, "group_key" character varying(255), "last_run_id" uuid NOT NULL, "stock" integer, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8775b9b541875a908c411cecba8" PRIMARY KEY ("supplier_id", "variant_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_supplier_items_group" ON "supplier_items"  ("supplier_id", "group_key") WHERE group_key IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_supplier_items_supplier_run" ON "supplier_items"  ("supplier_id", "last_run_id") `);
    await queryRunner.query(`ALTER TABLE "suppliers" ADD CONSTRAINT "fk_suppliers_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "supplier_runs" ADD CONSTRAINT "fk_supplier_runs_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "supplier_runs" ADD CONSTRAINT "fk_supplier_runs_supplier" FOREIGN KEY ("supplier_id") REFERENCES "suppliers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "supplier_staging" ADD CONSTRAINT "fk_supplier_staging_run" FOREIGN KEY ("run_id") REFERENCES "supplier_runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "supplier_items" ADD CONSTRAINT "fk_supplier_items_supplier" FOREIGN KEY ("supplier_id") REFERENCES "suppliers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "supplier_items" ADD CONSTRAINT "fk_supplier_items_variant" FOREIGN KEY ("variant_id") REFERENCES "variants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "supplier_items" DROP CONSTRAINT "fk_supplier_items_variant"`);
    await queryRunner.query(`ALTER TABLE "supplier_items" DROP CONSTRAINT "fk_supplier_items_supplier"`);
    await queryRunner.query(`ALTER TABLE "supplier_staging" DROP CONSTRAINT "fk_supplier_staging_run"`);
    await queryRunner.query(`ALTER TABLE "supplier_runs" DROP CONSTRAINT "fk_supplier_runs_supplier"`);
    await queryRunner.query(`ALTER TABLE "supplier_runs" DROP CONSTRAINT "fk_supplier_runs_tenant"`);
    await queryRunner.query(`ALTER TABLE "suppliers" DROP CONSTRAINT "fk_suppliers_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_supplier_items_supplier_run"`);
    await queryRunner.query(`DROP INDEX "public"."idx_supplier_items_group"`);
    await queryRunner.query(`DROP TABLE "supplier_items"`);
    await queryRunner.query(`DROP INDEX "public"."uq_supplier_staging_key"`);
    await queryRunner.query(`DROP TABLE "supplier_staging"`);
    await queryRunner.query(`DROP INDEX "public"."idx_supplier_runs_supplier_created"`);
    await queryRunner.query(`DROP INDEX "public"."uq_supplier_runs_active"`);
    await queryRunner.query(`DROP TABLE "supplier_runs"`);
    await queryRunner.query(`DROP INDEX "public"."idx_suppliers_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_suppliers_next_run"`);
    await queryRunner.query(`DROP TABLE "suppliers"`);
  }
}
