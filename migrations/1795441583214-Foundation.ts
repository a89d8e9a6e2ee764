import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795441583214 implements MigrationInterface {
  name = 'Foundation1795441583214';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "plans" ("code" character varying(20) NOT NULL, "name" character varying(100) NOT NULL, "product_limit" integer, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_95f7ef3fc4c31a3545b4d825dd4" PRIMARY KEY ("code"))`);
    await queryRunner.query(`CREATE TABLE "tenants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "plan" character varying(20) NOT NULL DEFAULT 'starter', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "logo_url" character varying(2048), "website" character varying(2048), "billing_email" character varying(320), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_organizations_tenant" ON "organizations"  ("tenant_id") `);
    await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(320) NOT NULL, "password_hash" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") `);
    await queryRunner.query(`CREATE TABLE "memberships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" character varying(10) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_memberships_tenant_org" ON "memberships"  ("tenant_id", "org_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "idx_memberships_user" ON "memberships"  ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_memberships_org_user" ON "memberships"  ("org_id", "user_id") `);
    await queryRunner.query(`CREATE TABLE "plugin_sites" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "store_url" character varying(2048) NOT NULL, "site_secret_hash" text, "source" character varying(40) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bb5ff15877ded777bc5d7503747" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_plugin_sites_user_store" ON "plugin_sites"  ("user_id", "store_url") `);
    await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "environment" character varying(4) NOT NULL, "prefix" character varying(16) NOT NULL, "redacted" character varying(32) NOT NULL, "key_hash" character varying(64) NOT NULL, "role" character varying(10) NOT NULL, "created_by" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_api_keys_tenant" ON "api_keys"  ("tenant_id", "org_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_keys_hash" ON "api_keys"  ("key_hash") `);
    await queryRunner.query(`CREATE TABLE "tenant_settings" ("tenant_id" uuid NOT NULL, "default_currency" character(3) NOT NULL DEFAULT 'USD', "auto_sync" boolean NOT NULL DEFAULT false, "low_stock_threshold" integer NOT NULL DEFAULT '5', "allow_backorders" boolean NOT NULL DEFAULT false, "timezone" character varying(64) NOT NULL DEFAULT 'UTC', "weight_unit" character varying(2) NOT NULL DEFAULT 'kg', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a6abc1c3ed0df635955fc852f1c" PRIMARY KEY ("tenant_id"))`);
    await queryRunner.query(`CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid, "actor_type" character varying(20) NOT NULL, "actor_id" character varying(100) NOT NULL, "action" character varying(100) NOT NULL, "resource_type" character varying(60) NOT NULL, "resource_id" character varying(100), "changes" jsonb NOT NULL DEFAULT '{}', "request_id" character varying(128), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_audit_tenant_resource" ON "audit_events"  ("tenant_id", "resource_type", "resource_id") `);
    await queryRunner.query(`CREATE INDEX "idx_audit_tenant_created" ON "audit_events"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "events" ("id" character varying(40) NOT NULL, "tenant_id" uuid NOT NULL, "type" character varying(80) NOT NULL, "data" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "dispatched_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_events_tenant_created" ON "events"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "job_name" character varying(80) NOT NULL, "payload" jsonb NOT NULL, "run_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "relayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_outbox_relayed" ON "outbox"  ("relayed_at") WHERE relayed_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_outbox_pending" ON "outbox"  ("created_at") WHERE relayed_at IS NULL`);
    await queryRunner.query(`ALTER TABLE "tenants" ADD CONSTRAINT "fk_tenants_plan" FOREIGN KEY ("plan") REFERENCES "plans"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "organizations" ADD CONSTRAINT "fk_organizations_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD CONSTRAINT "fk_memberships_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD CONSTRAINT "fk_memberships_org" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD CONSTRAINT "fk_memberships_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "plugin_sites" ADD CONSTRAINT "fk_plugin_sites_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "plugin_sites" ADD CONSTRAINT "fk_plugin_sites_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "fk_api_keys_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "fk_api_keys_org" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "tenant_settings" ADD CONSTRAINT "fk_tenant_settings_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    // Hand-written: plan catalogue, append-only audit log.
    await queryRunner.query(`INSERT INTO "plans" ("code", "name", "product_limit") VALUES ('starter', 'Starter', 1000), ('growth', 'Growth', 25000), ('pro', 'Pro', NULL)`);
    await queryRunner.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await queryRunner.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS audit_events_no_update ON "audit_events"`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS audit_events_no_truncate ON "audit_events"`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS audit_events_append_only()`);
    await queryRunner.query(`ALTER TABLE "tenant_settings" DROP CONSTRAINT "fk_tenant_settings_tenant"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_org"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_tenant"`);
    await queryRunner.query(`ALTER TABLE "plugin_sites" DROP CONSTRAINT "fk_plugin_sites_user"`);
    await queryRunner.query(`ALTER TABLE "plugin_sites" DROP CONSTRAINT "fk_plugin_sites_tenant"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "fk_memberships_user"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "fk_memberships_org"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "fk_memberships_tenant"`);
    await queryRunner.query(`ALTER TABLE "organizations" DROP CONSTRAINT "fk_organizations_tenant"`);
    await queryRunner.query(`ALTER TABLE "tenants" DROP CONSTRAINT "fk_tenants_plan"`);
    await queryRunner.query(`DROP INDEX "public"."idx_outbox_pending"`);
    await queryRunner.query(`DROP INDEX "public"."idx_outbox_relayed"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
    await queryRunner.query(`DROP INDEX "public"."idx_events_tenant_created"`);
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_tenant_resource"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP TABLE "tenant_settings"`);
    await queryRunner.query(`DROP INDEX "public"."uq_api_keys_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_api_keys_tenant"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP INDEX "public"."uq_plugin_sites_user_store"`);
    await queryRunner.query(`DROP TABLE "plugin_sites"`);
    await queryRunner.query(`DROP INDEX "public"."uq_memberships_org_user"`);
    await queryRunner.query(`DROP INDEX "public"."idx_memberships_user"`);
    await queryRunner.query(`DROP INDEX "public"."idx_memberships_tenant_org"`);
    await queryRunner.query(`DROP TABLE "memberships"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_email"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."idx_organizations_tenant"`);
    await queryRunner.query(`DROP TABLE "organizations"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
    await queryRunner.query(`DROP TABLE "plans"`);
  }
}
