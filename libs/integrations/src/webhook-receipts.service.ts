import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { prepared } from '@synq/database';

export const WEBHOOK_RECEIPT_RETENTION_DAYS = 7;

/**
 * Dedupe of inbound platform webhooks (PostgreSQL, shared by every api replica): `first()` inserts
 * the event's receipt in the caller's transaction and answers whether this is its first delivery.
 * Acting on the event in the same transaction makes "seen" and "acted on" commit together.
 */
@Injectable()
export class WebhookReceipts {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async first(m: EntityManager, platform: 'shopify' | 'woocommerce', eventId: string): Promise<boolean> {
    const rows = await prepared<{ ok: number }>(
      m,
      `INSERT INTO inbound_webhook_receipts (platform, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
      [platform, eventId.slice(0, 255)],
    );
    return rows.length === 1;
  }

  /** Deletes receipts older than the retention (bounded); platforms stop redelivering long before. */
  async purgeOld(): Promise<void> {
    await this.db.query(
      `DELETE FROM inbound_webhook_receipts WHERE (platform, event_id) IN
         (SELECT platform, event_id FROM inbound_webhook_receipts WHERE received_at < now() - interval '${WEBHOOK_RECEIPT_RETENTION_DAYS} days' LIMIT 10000)`,
    );
  }
}
