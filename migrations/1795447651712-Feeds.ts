import { MigrationInterface, QueryRunner } from 'typeorm';

export class Feeds1795447651712 implements MigrationInterface {
  name = 'Feeds1795447651712';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "feeds" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid, "name" character varying(200) NOT NULL, "slug" character varying(100) NOT NULL, "format" character varying(8) NOT NULL, "template" character varying(20) NOT NULL, "filters" jsonb NOT NULL DEFAULT '{}', "currency" character(3), "link_template" character varying(2048) NOT NULL, "image_fallback" character varying(2048), "rules" jsonb NOT NULL DEFAULT '[]', "published" boolean NOT NULL DEFAULT false, "config_version" integer NOT NULL DEFAULT '1', "generated_config_version" integer, "generated_at" TIMESTAMP(3) WITH TIME ZONE, "checked_at" TIMESTAMP(3) WITH TIME ZONE, "generated_file" character varying(1024), "file_size" bigint, "generation_count" integer NOT NULL DEFAULT '0', "item_count" integer NOT NULL DEFAULT '0', "excluded_count" integer NOT NULL DEFAULT '0', "etag" character varying(100), "content_hash" character varying(64), "catalog_version" TIMESTAMP(3) WITH TIME ZONE, "catalog_signature" character varying(200), "report" jsonb NOT NULL DEFAULT '{}', "generation_error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3dafbf766ecbb1eb2017732153f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_feeds_slug" ON "feeds"  ("slug") `);
    await queryRunner.query(`CREATE INDEX "idx_feeds_tenant_created" ON "feeds"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`ALTER TABLE "feeds" ADD CONSTRAINT "fk_feeds_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "feeds" DROP CONSTRAINT "fk_feeds_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_feeds_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."uq_feeds_slug"`);
    await queryRunner.query(`DROP TABLE "feeds"`);
  }
}
