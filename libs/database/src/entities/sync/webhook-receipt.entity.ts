import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Inbound platform webhooks already accepted, by the platform's event id (Shopify's
 * `X-Shopify-Event-Id`, WooCommerce's delivery id): a redelivery of the same event is dropped. The
 * row is written in the transaction that acts on the event. Purged after WEBHOOK_RECEIPT_RETENTION_DAYS.
 */
@Entity({ name: 'inbound_webhook_receipts' })
@Index('idx_inbound_webhook_receipts_received', ['receivedAt'])
export class InboundWebhookReceipt {
  /** shopify | woocommerce */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  platform: string;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255 })
  eventId: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz', precision: 3 })
  receivedAt: Date;
}
