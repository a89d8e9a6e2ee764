import { MigrationInterface, QueryRunner } from 'typeorm';

export class PluginShopify1796040092399 implements MigrationInterface {
  name = 'PluginShopify1796040092399';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_connections_tenant_kind_url"`);
    await queryRunner.query(`CREATE TABLE "inbound_webhook_receipts" ("platform" character varying(20) NOT NULL, "event_id" character varying(255) NOT NULL, "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aa93f5db2f0b7f7453d6e88e48e" PRIMARY KEY ("platform", "event_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_inbound_webhook_receipts_received" ON "inbound_webhook_receipts"  ("received_at") `);
    await queryRunner.query(`ALTER TABLE "connections" ADD "store_key" character varying(2048)`);
    // existing direct connections: the shop's host (Shopify), the stored store URL (WooCommerce)
    await queryRunner.query(
      `UPDATE "connections" SET "store_key" = CASE WHEN kind = 'shopify' THEN regexp_replace(base_url, '^https?://([^/]+).*$', '\\1') ELSE base_url END WHERE base_url IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "idx_connections_kind_store" ON "connections"  ("kind", "store_key") WHERE store_key IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_connections_tenant_kind_store" ON "connections"  ("tenant_id", "kind", "store_key") WHERE store_key IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_connections_tenant_kind_store"`);
    await queryRunner.query(`DROP INDEX "public"."idx_connections_kind_store"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "store_key"`);
    await queryRunner.query(`DROP INDEX "public"."idx_inbound_webhook_receipts_received"`);
    await queryRunner.query(`DROP TABLE "inbound_webhook_receipts"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_connections_tenant_kind_url" ON "connections" USING btree ("tenant_id", "kind", "base_url") WHERE (base_url IS NOT NULL)`);
  }
}
