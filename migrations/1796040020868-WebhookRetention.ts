import { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the retention purge find settled deliveries by age without scanning the pending ones. */
export class WebhookRetention1796040020868 implements MigrationInterface {
  name = 'WebhookRetention1796040020868';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_settled" ON "webhook_deliveries" ("created_at") WHERE status IN ('delivered', 'failed')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_webhook_deliveries_settled"`);
  }
}
