import { MigrationInterface, QueryRunner } from 'typeorm';

export class Storefront1796050000000 implements MigrationInterface {
  name = 'Storefront1796050000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "storefronts" ("tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "enabled" boolean NOT NULL DEFAULT false, "publishable_key" character varying(64), "display_name" character varying(120), "logo_url" character varying(2048), "accent_color" character varying(7) NOT NULL DEFAULT '#4f46e5', "currency" character(3) NOT NULL DEFAULT 'USD', "offers" jsonb NOT NULL DEFAULT '[]', "allow_quotes" boolean NOT NULL DEFAULT true, "allowed_file_types" jsonb NOT NULL DEFAULT '["stl", "obj", "3mf", "pdf", "png", "jpeg"]', "max_file_bytes" integer NOT NULL DEFAULT '10485760', "success_url" character varying(2048), "cancel_url" character varying(2048), "allowed_origins" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f577080800dc420cd33ffc4ecef" PRIMARY KEY ("tenant_id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_storefronts_publishable_key" ON "storefronts"  ("publishable_key") WHERE publishable_key IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "stripe_accounts" ("tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "account_id" character varying(64), "status" character varying(12) NOT NULL DEFAULT 'pending', "charges_enabled" boolean NOT NULL DEFAULT false, "details_submitted" boolean NOT NULL DEFAULT false, "connected_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0d4318f714427e387944df3a580" PRIMARY KEY ("tenant_id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_stripe_accounts_account" ON "stripe_accounts"  ("account_id") WHERE account_id IS NOT NULL AND status <> 'disconnected'`);
    await queryRunner.query(`CREATE TABLE "quotes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'pending', "customer" jsonb NOT NULL, "description" text NOT NULL, "quantity" integer NOT NULL DEFAULT '1', "file_url" character varying(2048), "amount" numeric(16,4), "currency" character(3), "note" text, "valid_until" TIMESTAMP(3) WITH TIME ZONE, "access_token_hash" character varying(64) NOT NULL, "order_id" uuid, "quoted_at" TIMESTAMP(3) WITH TIME ZONE, "accepted_at" TIMESTAMP(3) WITH TIME ZONE, "paid_at" TIMESTAMP(3) WITH TIME ZONE, "rejected_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_99a0e8bcbcd8719d3a41f23c263" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_quotes_tenant_status_created" ON "quotes"  ("tenant_id", "status", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_quotes_tenant_created" ON "quotes"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "storefront_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "quote_id" uuid, "file_name" character varying(255) NOT NULL, "kind" character varying(8) NOT NULL, "content_type" character varying(100) NOT NULL, "size_bytes" integer NOT NULL, "sha256" character varying(64) NOT NULL, "storage_path" character varying(1024) NOT NULL, "access_token_hash" character varying(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_30a24d1b4802ce33bd68092ac2b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_storefront_files_tenant_quote" ON "storefront_files"  ("tenant_id", "quote_id") `);
    await queryRunner.query(`CREATE TABLE "checkout_sessions" ("id" character varying(255) NOT NULL, "tenant_id" uuid NOT NULL, "account_id" character varying(64) NOT NULL, "order_id" uuid, "quote_id" uuid, "status" character varying(10) NOT NULL DEFAULT 'open', "url" character varying(4096) NOT NULL, "amount" numeric(16,4) NOT NULL, "currency" character(3) NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5730b2bbc190203a94941d82bd1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_checkout_sessions_tenant_quote" ON "checkout_sessions"  ("tenant_id", "quote_id") WHERE quote_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_checkout_sessions_tenant_order" ON "checkout_sessions"  ("tenant_id", "order_id") WHERE order_id IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "stripe_events" ("id" character varying(255) NOT NULL, "type" character varying(100) NOT NULL, "account_id" character varying(64), "tenant_id" uuid, "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d3247bd5fc3f66b6982bbcdd897" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_stripe_events_received" ON "stripe_events"  ("received_at") `);
    await queryRunner.query(`ALTER TABLE "storefronts" ADD CONSTRAINT "fk_storefronts_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "stripe_accounts" ADD CONSTRAINT "fk_stripe_accounts_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "quotes" ADD CONSTRAINT "fk_quotes_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "storefront_files" ADD CONSTRAINT "fk_storefront_files_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "storefront_files" ADD CONSTRAINT "fk_storefront_files_quote" FOREIGN KEY ("quote_id") REFERENCES "quotes"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "checkout_sessions" ADD CONSTRAINT "fk_checkout_sessions_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "checkout_sessions" DROP CONSTRAINT "fk_checkout_sessions_tenant"`);
    await queryRunner.query(`ALTER TABLE "storefront_files" DROP CONSTRAINT "fk_storefront_files_quote"`);
    await queryRunner.query(`ALTER TABLE "storefront_files" DROP CONSTRAINT "fk_storefront_files_tenant"`);
    await queryRunner.query(`ALTER TABLE "quotes" DROP CONSTRAINT "fk_quotes_tenant"`);
    await queryRunner.query(`ALTER TABLE "stripe_accounts" DROP CONSTRAINT "fk_stripe_accounts_tenant"`);
    await queryRunner.query(`ALTER TABLE "storefronts" DROP CONSTRAINT "fk_storefronts_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_stripe_events_received"`);
    await queryRunner.query(`DROP TABLE "stripe_events"`);
    await queryRunner.query(`DROP INDEX "public"."idx_checkout_sessions_tenant_order"`);
    await queryRunner.query(`DROP INDEX "public"."idx_checkout_sessions_tenant_quote"`);
    await queryRunner.query(`DROP TABLE "checkout_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."idx_storefront_files_tenant_quote"`);
    await queryRunner.query(`DROP TABLE "storefront_files"`);
    await queryRunner.query(`DROP INDEX "public"."idx_quotes_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_quotes_tenant_status_created"`);
    await queryRunner.query(`DROP TABLE "quotes"`);
    await queryRunner.query(`DROP INDEX "public"."uq_stripe_accounts_account"`);
    await queryRunner.query(`DROP TABLE "stripe_accounts"`);
    await queryRunner.query(`DROP INDEX "public"."uq_storefronts_publishable_key"`);
    await queryRunner.query(`DROP TABLE "storefronts"`);
  }
}
