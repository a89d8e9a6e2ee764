import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { BadRequestError, NotFoundError, systemContext, UnauthorizedError } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { OutboxService } from '@synq/events';
import { queryRows } from '@synq/database';
import { ConnectionVault, SHOP_DOMAIN_RE, verifyBodyHmac, WebhookReceipts } from '@synq/integrations';

export const SHOPIFY_ORDER_TOPICS = new Set(['orders/create', 'orders/updated']);
export const WOO_ORDER_TOPICS = new Set(['order.created', 'order.updated']);

export interface InboundDelivery {
  rawBody: Buffer | undefined;
  body: unknown;
  header(name: string): string | undefined;
}

interface ConnRow {
  id: string;
  tenant_id: string;
  org_id: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('The webhook body must be a JSON object', 'INVALID_BODY');
  return body as Record<string, unknown>;
}

/**
 * Platform webhooks into Synq. Each delivery is verified (HMAC of the raw body) before it is read,
 * deduplicated by the platform's event id in PostgreSQL, and acted on in the same transaction as its
 * receipt: orders become `order.ingest` jobs (through the outbox), Shopify's `app/uninstalled`
 * revokes the shop's connections, the compliance topics are recorded and `shop/redact` erases the
 * shop's connections (and, through them, its sync ledger).
 */
@Injectable()
export class InboundWebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: ConnectionVault,
    private readonly receipts: WebhookReceipts,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async shopify(d: InboundDelivery): Promise<{ received: true; duplicate?: true }> {
    if (!verifyBodyHmac(d.rawBody, d.header('x-shopify-hmac-sha256'), this.config.shopifyApiSecret || undefined)) {
      throw new UnauthorizedError('Invalid webhook signature (X-Shopify-Hmac-Sha256)', 'INVALID_SIGNATURE');
    }
    const topic = (d.header('x-shopify-topic') ?? '').trim();
    const shop = (d.header('x-shopify-shop-domain') ?? '').trim().toLowerCase();
    if (!topic || !SHOP_DOMAIN_RE.test(shop)) throw new BadRequestError('X-Shopify-Topic and X-Shopify-Shop-Domain are required', 'INVALID_WEBHOOK_HEADERS');
    const body = objectBody(d.body);
    const eventId = d.header('x-shopify-event-id') ?? d.header('x-shopify-webhook-id');

    return this.db.transaction(async (m) => {
      if (eventId && !(await this.receipts.first(m, 'shopify', eventId))) return { received: true as const, duplicate: true as const };
      if (SHOPIFY_ORDER_TOPICS.has(topic)) {
        for (const c of await this.shopConnections(m, shop)) {
          await this.outbox.enqueue(m, c.tenant_id, { name: 'order.ingest', data: { tenantId: c.tenant_id, connectionId: c.id, platform: 'shopify', topic, order: body } });
        }
      } else if (topic === 'app/uninstalled') {
        const rows = await queryRows<ConnRow>(
          m,
          `UPDATE connections SET status = 'REVOKED', credentials_sealed = NULL, updated_at = now()
            WHERE kind = 'shopify' AND store_key = $1 AND status <> 'REVOKED' RETURNING id, tenant_id, org_id`,
          [shop],
        );
        for (const r of rows) {
          await this.audit.record(m, systemContext(r.tenant_id, r.org_id, 'shopify'), {
            action: 'connection.revoked',
            resourceType: 'connection',
            resourceId: r.id,
            after: { status: 'REVOKED', credentials: 'erased', reason: 'app/uninstalled' },
          });
        }
      } else if (topic === 'shop/redact') {
        // 48 hours after uninstall: nothing of the shop stays (the ledger and runs go with the connection,
        // the orders it sent with their relayed outbox rows)
        // orders hold the shop's customers' data and keep their channel (RESTRICT): they go first
        await m.query(
          `DELETE FROM orders o USING channels ch, connections c
            WHERE o.channel_id = ch.id AND o.tenant_id = ch.tenant_id AND ch.connection_id = c.id
              AND c.kind = 'shopify' AND c.store_key = $1`,
          [shop],
        );
        const rows = await queryRows<ConnRow>(m, `DELETE FROM connections WHERE kind = 'shopify' AND store_key = $1 RETURNING id, tenant_id, org_id`, [shop]);
        for (const r of rows) {
          await m.query(`DELETE FROM outbox WHERE tenant_id = $1 AND job_name = 'order.ingest' AND relayed_at IS NOT NULL AND payload->>'connectionId' = $2`, [r.tenant_id, r.id]);
          await this.audit.record(m, systemContext(r.tenant_id, r.org_id, 'shopify'), { action: 'compliance.shop_redacted', resourceType: 'connection', resourceId: r.id, after: { shop } });
        }
      } else if (topic === 'customers/redact' || topic === 'customers/data_request') {
        const customer = body.customer as { id?: unknown } | undefined;
        const customerId = customer && (typeof customer.id === 'number' || typeof customer.id === 'string') ? String(customer.id) : null;
        const email = (customer as { email?: unknown } | undefined)?.email;
        const customerEmail = typeof email === 'string' ? email.slice(0, 320) : '';
        const orderIds = (Array.isArray(body.orders_to_redact) ? body.orders_to_redact : []).map(String).slice(0, 10_000);
        for (const c of await this.shopConnections(m, shop, true)) {
          if (topic === 'customers/redact') {
            // the copies of the customer's orders Synq holds: relayed order.ingest rows keep only the order id
            await m.query(
              `UPDATE outbox SET payload = jsonb_set(payload, '{order}', jsonb_build_object('id', payload->'order'->'id', 'redacted', true))
                WHERE tenant_id = $1 AND job_name = 'order.ingest' AND relayed_at IS NOT NULL AND payload->>'connectionId' = $2
                  AND (payload->'order'->'customer'->>'id' = $3 OR payload->'order'->>'id' = ANY($4::text[]))`,
              [c.tenant_id, c.id, customerId ?? '', orderIds],
            );
            // and the orders Synq imported from the shop: the customer's personal data is erased, the
            // order (amounts, lines, stock effects) stays for the merchant's books
            await m.query(
              `UPDATE orders o SET customer_email = NULL, customer_name = NULL, customer_phone = NULL,
                      shipping_address = NULL, billing_address = NULL, note = NULL, updated_at = now()
                 FROM channels ch
                WHERE o.tenant_id = $1 AND ch.id = o.channel_id AND ch.tenant_id = o.tenant_id AND ch.connection_id = $2
                  AND (o.external_id = ANY($3::text[]) OR ($4::text <> '' AND lower(o.customer_email) = lower($4)))`,
              [c.tenant_id, c.id, orderIds, customerEmail],
            );
          }
          await this.audit.record(m, systemContext(c.tenant_id, c.org_id, 'shopify'), {
            action: topic === 'customers/redact' ? 'compliance.customer_redacted' : 'compliance.customer_data_requested',
            resourceType: 'connection',
            resourceId: c.id,
            after: { shop, customer_id: customerId },
          });
        }
      }
      // product topics (and any other) are acknowledged
      return { received: true as const };
    });
  }

  async woocommerce(channelId: string, d: InboundDelivery): Promise<{ received: true; duplicate?: true }> {
    const signature = d.header('x-wc-webhook-signature');
    // the unsigned ping WooCommerce sends when a webhook is created: `webhook_id=N`
    if (!signature && d.rawBody && /^webhook_id=\d+$/.test(d.rawBody.toString('utf8').trim())) return { received: true };
    if (!UUID_RE.test(channelId)) throw new NotFoundError('Channel', channelId);
    const rows: (ConnRow & { credentials_sealed: string | null })[] = await this.db.query(
      `SELECT id, tenant_id, org_id, credentials_sealed FROM connections WHERE id = $1 AND kind = 'woocommerce' AND status <> 'REVOKED'`,
      [channelId],
    );
    const conn = rows[0];
    if (!conn?.credentials_sealed) throw new NotFoundError('Channel', channelId);
    if (!verifyBodyHmac(d.rawBody, signature, this.vault.open(conn.credentials_sealed).webhookSecret)) {
      throw new UnauthorizedError('Invalid webhook signature (X-WC-Webhook-Signature)', 'INVALID_SIGNATURE');
    }
    const topic = (d.header('x-wc-webhook-topic') ?? '').trim();
    if (!WOO_ORDER_TOPICS.has(topic)) return { received: true };
    const body = objectBody(d.body);
    const delivery = d.header('x-wc-webhook-delivery-id');
    const eventId = delivery ? `${channelId}:${d.header('x-wc-webhook-id') ?? ''}:${delivery}` : undefined;
    return this.db.transaction(async (m) => {
      if (eventId && !(await this.receipts.first(m, 'woocommerce', eventId))) return { received: true as const, duplicate: true as const };
      await this.outbox.enqueue(m, conn.tenant_id, { name: 'order.ingest', data: { tenantId: conn.tenant_id, connectionId: conn.id, platform: 'woocommerce', topic, order: body } });
      return { received: true as const };
    });
  }

  private async shopConnections(m: EntityManager, shop: string, includeRevoked = false): Promise<ConnRow[]> {
    return m.query(
      `SELECT id, tenant_id, org_id FROM connections WHERE kind = 'shopify' AND store_key = $1 ${includeRevoked ? '' : `AND status <> 'REVOKED'`} ORDER BY created_at LIMIT 1000`,
      [shop],
    );
  }
}
