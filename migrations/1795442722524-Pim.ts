import { MigrationInterface, QueryRunner } from 'typeorm';

export class Pim1795442722524 implements MigrationInterface {
  name = 'Pim1795442722524';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "categories" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "slug" character varying(200) NOT NULL, "description" text, "parent_id" uuid, "path" text NOT NULL, "depth" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_categories_tenant_created" ON "categories"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_categories_tenant_parent" ON "categories"  ("tenant_id", "parent_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_categories_tenant_slug" ON "categories"  ("tenant_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "brands" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "description" text, "logo_url" character varying(2048), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b0c437120b624da1034a81fc561" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_brands_tenant_created" ON "brands"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "attributes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "slug" character varying(100) NOT NULL, "type" character varying(10) NOT NULL DEFAULT 'TEXT', "options" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_32216e2e61830211d3a5d7fa72c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_attributes_tenant_created" ON "attributes"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_attributes_tenant_slug" ON "attributes"  ("tenant_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "attribute_groups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "slug" character varying(100) NOT NULL, "description" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8cc9117a38fac400f6587812975" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_attribute_groups_tenant_created" ON "attribute_groups"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_attribute_groups_tenant_slug" ON "attribute_groups"  ("tenant_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "attribute_group_attributes" ("group_id" uuid NOT NULL, "attribute_id" uuid NOT NULL, "position" integer NOT NULL, CONSTRAINT "PK_c3f2df9a41d1c8e91e1c7c792af" PRIMARY KEY ("group_id", "attribute_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_aga_attribute" ON "attribute_group_attributes"  ("attribute_id") `);
    await queryRunner.query(`CREATE TABLE "product_templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "slug" character varying(100) NOT NULL, "description" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_28ab2929742261378d8a4cd4bc6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_product_templates_tenant_created" ON "product_templates"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_product_templates_tenant_slug" ON "product_templates"  ("tenant_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "product_template_attributes" ("template_id" uuid NOT NULL, "attribute_id" uuid NOT NULL, "required" boolean NOT NULL DEFAULT false, "position" integer NOT NULL, CONSTRAINT "PK_d684ea3c2b635b2a510a81a366e" PRIMARY KEY ("template_id", "attribute_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_pta_attribute" ON "product_template_attributes"  ("attribute_id") `);
    await queryRunner.query(`CREATE TABLE "products" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid, "title" character varying(500) NOT NULL, "handle" character varying(255) NOT NULL, "description" text, "status" character varying(10) NOT NULL DEFAULT 'ACTIVE', "category_id" uuid, "brand_id" uuid, "template_id" uuid, "attributes" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_products_tenant_handle" ON "products"  ("tenant_id", "handle") `);
    await queryRunner.query(`CREATE INDEX "idx_products_tenant_updated" ON "products"  ("tenant_id", "updated_at") `);
    await queryRunner.query(`CREATE INDEX "idx_products_tenant_brand" ON "products"  ("tenant_id", "brand_id") `);
    await queryRunner.query(`CREATE INDEX "idx_products_tenant_category" ON "products"  ("tenant_id", "category_id") `);
    await queryRunner.query(`CREATE INDEX "idx_products_tenant_created" ON "products"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "variants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "product_id" uuid NOT NULL, "sku" character varying(100), "barcode" character varying(14), "title" character varying(255), "price" numeric(16,4), "currency" character(3), "compare_at_price" numeric(16,4), "cost_price" numeric(16,4), "options" jsonb NOT NULL DEFAULT '{}', "attributes" jsonb NOT NULL DEFAULT '{}', "weight_grams" integer, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_672d13d1a6de0197f20c6babb5e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_variants_tenant_barcode" ON "variants"  ("tenant_id", "barcode") WHERE barcode IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_variants_product" ON "variants"  ("product_id", "position") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_variants_tenant_sku" ON "variants"  ("tenant_id", "sku") WHERE sku IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "media" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "product_id" uuid, "variant_id" uuid, "url" character varying(2048) NOT NULL, "alt_text" character varying(500), "sort_order" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_media_owner" CHECK ((product_id IS NULL) <> (variant_id IS NULL)), CONSTRAINT "PK_f4e0fcac36e050de337b670d8bd" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_media_tenant_created" ON "media"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_media_variant" ON "media"  ("variant_id", "sort_order") WHERE variant_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_media_product" ON "media"  ("product_id", "sort_order") WHERE product_id IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "catalog_exports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid, "requested_by" character varying(100), "format" character varying(10) NOT NULL, "filters" jsonb NOT NULL DEFAULT '{}', "status" character varying(12) NOT NULL DEFAULT 'queued', "progress" integer NOT NULL DEFAULT '0', "total_products" integer, "row_count" integer NOT NULL DEFAULT '0', "file_path" character varying(1024), "file_size" bigint, "error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0bb8e643486d9de8254af833ec8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_catalog_exports_tenant_created" ON "catalog_exports"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "bulk_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid, "requested_by" character varying(100), "job_type" character varying(20) NOT NULL, "payload" jsonb NOT NULL, "status" character varying(12) NOT NULL DEFAULT 'queued', "total" integer, "processed" integer NOT NULL DEFAULT '0', "succeeded" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "errors" jsonb NOT NULL DEFAULT '[]', "last_product_id" uuid, "error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ce068dac8365125a4ce2f94c23e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_bulk_jobs_tenant_type_created" ON "bulk_jobs"  ("tenant_id", "job_type", "created_at", "id") `);
    await queryRunner.query(`ALTER TABLE "categories" ADD CONSTRAINT "fk_categories_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "categories" ADD CONSTRAINT "fk_categories_parent" FOREIGN KEY ("parent_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "brands" ADD CONSTRAINT "fk_brands_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "attributes" ADD CONSTRAINT "fk_attributes_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "attribute_groups" ADD CONSTRAINT "fk_attribute_groups_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "attribute_group_attributes" ADD CONSTRAINT "fk_aga_group" FOREIGN KEY ("group_id") REFERENCES "attribute_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "attribute_group_attributes" ADD CONSTRAINT "fk_aga_attribute" FOREIGN KEY ("attribute_id") REFERENCES "attributes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "product_templates" ADD CONSTRAINT "fk_product_templates_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "product_template_attributes" ADD CONSTRAINT "fk_pta_template" FOREIGN KEY ("template_id") REFERENCES "product_templates"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "product_template_attributes" ADD CONSTRAINT "fk_pta_attribute" FOREIGN KEY ("attribute_id") REFERENCES "attributes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "products" ADD CONSTRAINT "fk_products_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "products" ADD CONSTRAINT "fk_products_category" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "products" ADD CONSTRAINT "fk_products_brand" FOREIGN KEY ("brand_id") REFERENCES "brands"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "products" ADD CONSTRAINT "fk_products_template" FOREIGN KEY ("template_id") REFERENCES "product_templates"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "variants" ADD CONSTRAINT "fk_variants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "variants" ADD CONSTRAINT "fk_variants_product" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "media" ADD CONSTRAINT "fk_media_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "media" ADD CONSTRAINT "fk_media_product" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "media" ADD CONSTRAINT "fk_media_variant" FOREIGN KEY ("variant_id") REFERENCES "variants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "catalog_exports" ADD CONSTRAINT "fk_catalog_exports_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "bulk_jobs" ADD CONSTRAINT "fk_bulk_jobs_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    // Hand-written: trigram search, GTIN check, and the product counter that enforces plan limits
    // for every write path (API, batch, bulk, imports) in one place.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE INDEX "idx_products_title_trgm" ON "products" USING gin ("title" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "idx_variants_sku_trgm" ON "variants" USING gin ("sku" gin_trgm_ops)`);
    await queryRunner.query(`CREATE FUNCTION gtin_valid(code text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE s int := 0; d int; n int; i int;
      BEGIN
        IF code IS NULL OR code !~ '^[0-9]+$' OR length(code) NOT IN (8, 12, 13, 14) THEN RETURN false; END IF;
        n := length(code);
        FOR i IN 1 .. n - 1 LOOP
          d := substr(code, n - i, 1)::int;
          s := s + CASE WHEN i % 2 = 1 THEN d * 3 ELSE d END;
        END LOOP;
        RETURN (10 - s % 10) % 10 = substr(code, n, 1)::int;
      END $$`);
    // Plan limit: counted only for plans that have one; far from the limit nothing is locked, near it
    // (within 100) inserts of one tenant serialise on an advisory lock and recount, so concurrent
    // creates can never overshoot. No per-tenant counter row: a hot row locked until commit would
    // serialise every create of a tenant.
    await queryRunner.query(`CREATE FUNCTION products_limit_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r record; lim int; cnt int;
      BEGIN
        FOR r IN SELECT DISTINCT tenant_id FROM new_rows LOOP
          SELECT p.product_limit INTO lim FROM tenants t JOIN plans p ON p.code = t.plan WHERE t.id = r.tenant_id;
          CONTINUE WHEN lim IS NULL;
          SELECT count(*) INTO cnt FROM products WHERE tenant_id = r.tenant_id;
          IF cnt > lim - 100 THEN
            PERFORM pg_advisory_xact_lock(hashtext('synq:products:' || r.tenant_id::text));
            SELECT count(*) INTO cnt FROM products WHERE tenant_id = r.tenant_id;
          END IF;
          IF cnt > lim THEN
            RAISE EXCEPTION 'product limit of % reached', lim USING ERRCODE = 'SQ403', HINT = 'PIM_PRODUCT_LIMIT';
          END IF;
        END LOOP;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER products_limit_check AFTER INSERT ON "products" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products_limit_check()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS products_limit_check ON "products"`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS products_limit_check()`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS gtin_valid(text)`);
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_variants_sku_trgm"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_products_title_trgm"`);
    await queryRunner.query(`ALTER TABLE "bulk_jobs" DROP CONSTRAINT "fk_bulk_jobs_tenant"`);
    await queryRunner.query(`ALTER TABLE "catalog_exports" DROP CONSTRAINT "fk_catalog_exports_tenant"`);
    await queryRunner.query(`ALTER TABLE "media" DROP CONSTRAINT "fk_media_variant"`);
    await queryRunner.query(`ALTER TABLE "media" DROP CONSTRAINT "fk_media_product"`);
    await queryRunner.query(`ALTER TABLE "media" DROP CONSTRAINT "fk_media_tenant"`);
    await queryRunner.query(`ALTER TABLE "variants" DROP CONSTRAINT "fk_variants_product"`);
    await queryRunner.query(`ALTER TABLE "variants" DROP CONSTRAINT "fk_variants_tenant"`);
    await queryRunner.query(`ALTER TABLE "products" DROP CONSTRAINT "fk_products_template"`);
    await queryRunner.query(`ALTER TABLE "products" DROP CONSTRAINT "fk_products_brand"`);
    await queryRunner.query(`ALTER TABLE "products" DROP CONSTRAINT "fk_products_category"`);
    await queryRunner.query(`ALTER TABLE "products" DROP CONSTRAINT "fk_products_tenant"`);
    await queryRunner.query(`ALTER TABLE "product_template_attributes" DROP CONSTRAINT "fk_pta_attribute"`);
    await queryRunner.query(`ALTER TABLE "product_template_attributes" DROP CONSTRAINT "fk_pta_template"`);
    await queryRunner.query(`ALTER TABLE "product_templates" DROP CONSTRAINT "fk_product_templates_tenant"`);
    await queryRunner.query(`ALTER TABLE "attribute_group_attributes" DROP CONSTRAINT "fk_aga_attribute"`);
    await queryRunner.query(`ALTER TABLE "attribute_group_attributes" DROP CONSTRAINT "fk_aga_group"`);
    await queryRunner.query(`ALTER TABLE "attribute_groups" DROP CONSTRAINT "fk_attribute_groups_tenant"`);
    await queryRunner.query(`ALTER TABLE "attributes" DROP CONSTRAINT "fk_attributes_tenant"`);
    await queryRunner.query(`ALTER TABLE "brands" DROP CONSTRAINT "fk_brands_tenant"`);
    await queryRunner.query(`ALTER TABLE "categories" DROP CONSTRAINT "fk_categories_parent"`);
    await queryRunner.query(`ALTER TABLE "categories" DROP CONSTRAINT "fk_categories_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_bulk_jobs_tenant_type_created"`);
    await queryRunner.query(`DROP TABLE "bulk_jobs"`);
    await queryRunner.query(`DROP INDEX "public"."idx_catalog_exports_tenant_created"`);
    await queryRunner.query(`DROP TABLE "catalog_exports"`);
    await queryRunner.query(`DROP INDEX "public"."idx_media_product"`);
    await queryRunner.query(`DROP INDEX "public"."idx_media_variant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_media_tenant_created"`);
    await queryRunner.query(`DROP TABLE "media"`);
    await queryRunner.query(`DROP INDEX "public"."uq_variants_tenant_sku"`);
    await queryRunner.query(`DROP INDEX "public"."idx_variants_product"`);
    await queryRunner.query(`DROP INDEX "public"."idx_variants_tenant_barcode"`);
    await queryRunner.query(`DROP TABLE "variants"`);
    await queryRunner.query(`DROP INDEX "public"."idx_products_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_products_tenant_category"`);
    await queryRunner.query(`DROP INDEX "public"."idx_products_tenant_brand"`);
    await queryRunner.query(`DROP INDEX "public"."idx_products_tenant_updated"`);
    await queryRunner.query(`DROP INDEX "public"."uq_products_tenant_handle"`);
    await queryRunner.query(`DROP TABLE "products"`);
    await queryRunner.query(`DROP INDEX "public"."idx_pta_attribute"`);
    await queryRunner.query(`DROP TABLE "product_template_attributes"`);
    await queryRunner.query(`DROP INDEX "public"."uq_product_templates_tenant_slug"`);
    await queryRunner.query(`DROP INDEX "public"."idx_product_templates_tenant_created"`);
    await queryRunner.query(`DROP TABLE "product_templates"`);
    await queryRunner.query(`DROP INDEX "public"."idx_aga_attribute"`);
    await queryRunner.query(`DROP TABLE "attribute_group_attributes"`);
    await queryRunner.query(`DROP INDEX "public"."uq_attribute_groups_tenant_slug"`);
    await queryRunner.query(`DROP INDEX "public"."idx_attribute_groups_tenant_created"`);
    await queryRunner.query(`DROP TABLE "attribute_groups"`);
    await queryRunner.query(`DROP INDEX "public"."uq_attributes_tenant_slug"`);
    await queryRunner.query(`DROP INDEX "public"."idx_attributes_tenant_created"`);
    await queryRunner.query(`DROP TABLE "attributes"`);
    await queryRunner.query(`DROP INDEX "public"."idx_brands_tenant_created"`);
    await queryRunner.query(`DROP TABLE "brands"`);
    await queryRunner.query(`DROP INDEX "public"."uq_categories_tenant_slug"`);
    await queryRunner.query(`DROP INDEX "public"."idx_categories_tenant_parent"`);
    await queryRunner.query(`DROP INDEX "public"."idx_categories_tenant_created"`);
    await queryRunner.query(`DROP TABLE "categories"`);
  }
}
