import { MigrationInterface, QueryRunner } from 'typeorm';

export class Sync1795445752680 implements MigrationInterface {
  name = 'Sync1795445752680';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "connections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "provider" character varying(40) NOT NULL, "category" character varying(20) NOT NULL DEFAULT 'commerce', "kind" character varying(20) NOT NULL, "unified_connection_id" character varying(200), "display_name" character varying(200), "base_url" character varying(2048), "credentials_sealed" text, "status" character varying(10) NOT NULL DEFAULT 'ACTIVE', "last_healthy_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "settings" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0a1f844af3122354cbd487a8d03" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_connections_tenant_status" ON "connections"  ("tenant_id", "status", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_connections_tenant_kind_url" ON "connections"  ("tenant_id", "kind", "base_url") WHERE base_url IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_connections_tenant_unified" ON "connections"  ("tenant_id", "unified_connection_id") WHERE unified_connection_id IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "oauth_states" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "state_hash" character varying(64) NOT NULL, "tenant_id" uuid NOT NULL, "org_id" uuid NOT NULL, "purpose" character varying(40) NOT NULL, "data" jsonb NOT NULL DEFAULT '{}', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c9df6e4203e8ca042bfe5bd00ec" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_oauth_states_expires" ON "oauth_states"  ("expires_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_oauth_states_hash" ON "oauth_states"  ("state_hash") `);
    await queryRunner.query(`CREATE TABLE "sync_states" ("connection_id" uuid NOT NULL, "product_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'PENDING', "remote_product_id" character varying(255), "remote_variant_ids" jsonb NOT NULL DEFAULT '{}', "payload_hash" character varying(64), "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "last_synced_at" TIMESTAMP WITH TIME ZONE, "requested_action" character varying(10) NOT NULL DEFAULT 'UPSERT', "requested_seq" bigint NOT NULL DEFAULT '0', "synced_seq" bigint NOT NULL DEFAULT '0', "force" boolean NOT NULL DEFAULT false, "lease_job" character varying(200), "lease_until" TIMESTAMP WITH TIME ZONE, "create_started_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_83969a3272e60227394e608b095" PRIMARY KEY ("connection_id", "product_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_sync_states_pending" ON "sync_states"  ("updated_at") WHERE status = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX "idx_sync_states_tenant_connection_status" ON "sync_states"  ("tenant_id", "connection_id", "status") `);
    await queryRunner.query(`CREATE INDEX "idx_sync_states_tenant_product" ON "sync_states"  ("tenant_id", "product_id") `);
    await queryRunner.query(`CREATE TABLE "sync_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "product_id" uuid NOT NULL, "action" character varying(10) NOT NULL, "status" character varying(10) NOT NULL, "http_status" integer, "error" text, "duration_ms" integer NOT NULL DEFAULT '0', "attempt" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_adf13fff41a683b3b991fb90b11" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_sync_runs_tenant_status_created" ON "sync_runs"  ("tenant_id", "status", "created_at") `);
    await queryRunner.query(`CREATE INDEX "idx_sync_runs_tenant_connection_created" ON "sync_runs"  ("tenant_id", "connection_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "idx_sync_runs_tenant_product_created" ON "sync_runs"  ("tenant_id", "product_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "idx_sync_runs_tenant_created" ON "sync_runs"  ("tenant_id", "created_at", "id") `);
    await queryRunner.query(`ALTER TABLE "connections" ADD CONSTRAINT "fk_connections_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "connections" ADD CONSTRAINT "fk_connections_org" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "oauth_states" ADD CONSTRAINT "fk_oauth_states_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sync_states" ADD CONSTRAINT "fk_sync_states_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sync_states" ADD CONSTRAINT "fk_sync_states_connection" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sync_runs" ADD CONSTRAINT "fk_sync_runs_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sync_runs" ADD CONSTRAINT "fk_sync_runs_connection" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP CONSTRAINT "fk_sync_runs_connection"`);
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP CONSTRAINT "fk_sync_runs_tenant"`);
    await queryRunner.query(`ALTER TABLE "sync_states" DROP CONSTRAINT "fk_sync_states_connection"`);
    await queryRunner.query(`ALTER TABLE "sync_states" DROP CONSTRAINT "fk_sync_states_tenant"`);
    await queryRunner.query(`ALTER TABLE "oauth_states" DROP CONSTRAINT "fk_oauth_states_tenant"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP CONSTRAINT "fk_connections_org"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP CONSTRAINT "fk_connections_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_runs_tenant_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_runs_tenant_product_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_runs_tenant_connection_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_runs_tenant_status_created"`);
    await queryRunner.query(`DROP TABLE "sync_runs"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_states_tenant_product"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_states_tenant_connection_status"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sync_states_pending"`);
    await queryRunner.query(`DROP TABLE "sync_states"`);
    await queryRunner.query(`DROP INDEX "public"."uq_oauth_states_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_oauth_states_expires"`);
    await queryRunner.query(`DROP TABLE "oauth_states"`);
    await queryRunner.query(`DROP INDEX "public"."uq_connections_tenant_unified"`);
    await queryRunner.query(`DROP INDEX "public"."uq_connections_tenant_kind_url"`);
    await queryRunner.query(`DROP INDEX "public"."idx_connections_tenant_status"`);
    await queryRunner.query(`DROP TABLE "connections"`);
  }
}
