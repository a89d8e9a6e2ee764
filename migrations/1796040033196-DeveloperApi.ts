import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeveloperApi1796040033196 implements MigrationInterface {
  name = 'DeveloperApi1796040033196';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "listings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "variant_id" uuid NOT NULL, "product_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "marketplace" character varying(40) NOT NULL, "price" numeric(16,4) NOT NULL, "currency" character(3), "quantity_cap" integer, "status" character varying(10) NOT NULL DEFAULT 'active', "remote_id" character varying(255), "last_repriced_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_520ecac6c99ec90bcf5a603cdcb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_listings_product_connection" ON "listings"  ("product_id", "connection_id") `);
    await queryRunner.query(`CREATE INDEX "idx_listings_tenant_created" ON "listings"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_listings_connection_variant" ON "listings"  ("tenant_id", "connection_id", "variant_id") `);
    await queryRunner.query(`CREATE TABLE "competitor_prices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "listing_id" uuid NOT NULL, "seller" character varying(200) NOT NULL, "price" numeric(16,4) NOT NULL, "shipping" numeric(16,4) NOT NULL DEFAULT '0', "condition" character varying(20), "is_featured_offer" boolean NOT NULL DEFAULT false, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bc533b625afbd864d68f9cf8136" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_competitor_prices_tenant_listing" ON "competitor_prices"  ("tenant_id", "listing_id") `);
    await queryRunner.query(`CREATE INDEX "idx_competitor_prices_listing_seller" ON "competitor_prices"  ("listing_id", "seller", "observed_at") `);
    await queryRunner.query(`CREATE TABLE "repricer_rules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "strategy" character varying(20) NOT NULL, "amount" numeric(16,4), "percent" numeric(7,4), "min_price" numeric(16,4) NOT NULL, "max_price" numeric(16,4), "scope" jsonb NOT NULL DEFAULT '{}', "exclude_sellers" jsonb NOT NULL DEFAULT '[]', "only_condition" character varying(20), "active_hours" jsonb, "priority" integer NOT NULL DEFAULT '0', "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_50fb2531470be14e1002ed8cc95" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_repricer_rules_tenant_created" ON "repricer_rules"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_repricer_rules_tenant_order" ON "repricer_rules"  ("tenant_id", "priority", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "listing_price_history" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "listing_id" uuid NOT NULL, "old_price" numeric(16,4) NOT NULL, "new_price" numeric(16,4) NOT NULL, "rule_id" uuid, "source" character varying(10) NOT NULL, "reason" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e17048f27ad8a0115fcc495ef21" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_listing_price_history_listing" ON "listing_price_history"  ("tenant_id", "listing_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "agents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "kind" character varying(40) NOT NULL, "scope" jsonb NOT NULL DEFAULT '{}', "scope_key" character varying(500) NOT NULL DEFAULT '', "enabled" boolean NOT NULL DEFAULT true, "schedule" character varying(40) NOT NULL, "interval_seconds" integer NOT NULL, "next_run_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "last_run_at" TIMESTAMP(3) WITH TIME ZONE, "last_result" jsonb, "last_run_id" character varying(64), "run_count" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9c653f28ae19c5884d5baf6a1d9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_agents_due" ON "agents"  ("next_run_at") WHERE enabled`);
    await queryRunner.query(`CREATE INDEX "idx_agents_tenant_created" ON "agents"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_agents_tenant_kind_scope" ON "agents"  ("tenant_id", "kind", "scope_key") `);
    await queryRunner.query(`ALTER TABLE "listings" ADD CONSTRAINT "fk_listings_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "listings" ADD CONSTRAINT "fk_listings_variant" FOREIGN KEY ("variant_id") REFERENCES "variants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "listings" ADD CONSTRAINT "fk_listings_connection" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "competitor_prices" ADD CONSTRAINT "fk_competitor_prices_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "competitor_prices" ADD CONSTRAINT "fk_competitor_prices_listing" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "repricer_rules" ADD CONSTRAINT "fk_repricer_rules_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "listing_price_history" ADD CONSTRAINT "fk_listing_price_history_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "listing_price_history" ADD CONSTRAINT "fk_listing_price_history_listing" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "agents" ADD CONSTRAINT "fk_agents_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agents" DROP CONSTRAINT "fk_agents_tenant"`);
    await queryRunner.query(`ALTER TABLE "listing_price_history" DROP CONSTRAINT "fk_listing_price_history_listing"`);
    await queryRunner.query(`ALTER TABLE "listing_price_history" DROP CONSTRAINT "fk_listing_price_history_tenant"`);
    await queryRunner.query(`ALTER TABLE "repricer_rules" DROP CONSTRAINT "fk_repricer_rules_tenant"`);
    await queryRunner.query(`ALTER TABLE "competitor_prices" DROP CONSTRAINT "fk_competitor_prices_listing"`);
    await queryRunner.query(`ALTER TABLE "competitor_prices" DROP CONSTRAINT "fk_competitor_prices_tenant"`);
    await queryRunner.query(`ALTER TABLE "listings" DROP CONSTRAINT "fk_listings_connection"`);
    await queryRunner.query(`ALTER TABLE "listings" DROP CONSTRAINT "fk_listings_variant"`);
    await queryRunner.query(`ALTER TABLE "listings" DROP CONSTRAINT "fk_listings_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."uq_agents_tenant_kind_scope"`);
    await queryRunner.query(`DROP INDEX "public"."idx_agents_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_agents_due"`);
    await queryRunner.query(`DROP TABLE "agents"`);
    await queryRunner.query(`DROP INDEX "public"."idx_listing_price_history_listing"`);
    await queryRunner.query(`DROP TABLE "listing_price_history"`);
    await queryRunner.query(`DROP INDEX "public"."idx_repricer_rules_tenant_order"`);
    await queryRunner.query(`DROP INDEX "public"."idx_repricer_rules_tenant_created"`);
    await queryRunner.query(`DROP TABLE "repricer_rules"`);
    await queryRunner.query(`DROP INDEX "public"."idx_competitor_prices_listing_seller"`);
    await queryRunner.query(`DROP INDEX "public"."idx_competitor_prices_tenant_listing"`);
    await queryRunner.query(`DROP TABLE "competitor_prices"`);
    await queryRunner.query(`DROP INDEX "public"."uq_listings_connection_variant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_listings_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_listings_product_connection"`);
    await queryRunner.query(`DROP TABLE "listings"`);
  }
}
