import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectorError, ConnectorRegistry } from '@synq/connectors';
import { ConnectionKind, prepared } from '@synq/database';
import { ConnectionVault } from '@synq/integrations';
import { PermanentError, QueueService, RetryableError } from '@synq/queue';
import { ChannelsService } from './channels.service';
import { normalizeOrder, OrderPlatform } from './platform-orders';

const MAX_PAGES = 20;
/** platforms filter by whole seconds (and some exclusively): ask again from a little before the cursor; ingest is idempotent */
const OVERLAP_MS = 5_000;

interface PullTarget {
  id: string;
  org_id: string;
  status: string;
  kind: ConnectionKind;
  provider: string;
  base_url: string | null;
  unified_connection_id: string | null;
  credentials_sealed: string | null;
  cursor: string | null;
}

/**
 * The periodic pull of one connection's orders (safety net for webhooks that never arrived): lists
 * the orders the platform changed since the connection's cursor (the newest change seen, kept in
 * `order_pull_cursors`; the first pull looks back ORDERS_PULL_LOOKBACK_HOURS), hands each to
 * `order.ingest` (idempotent, so the overlap at the cursor is harmless) and advances the cursor.
 */
@Injectable()
export class OrderPullService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly connectors: ConnectorRegistry,
    private readonly vault: ConnectionVault,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async pull(tenantId: string, connectionId: string): Promise<{ orders: number; cursor: string | null }> {
    const t = (
      await prepared<PullTarget>(
        this.db,
        `SELECT c.id, c.org_id, c.status, c.kind, c.provider, c.base_url, c.unified_connection_id, c.credentials_sealed, p.cursor
           FROM connections c LEFT JOIN order_pull_cursors p ON p.connection_id = c.id
          WHERE c.tenant_id = $1 AND c.id = $2`,
        [tenantId, connectionId],
      )
    )[0];
    if (!t || t.status !== 'ACTIVE') return { orders: 0, cursor: t?.cursor ?? null };
    const channel = await this.channels.resolve({ tenantId, orgId: t.org_id, role: 'owner', actorType: 'system', actorId: 'orders-pull' }, { connectionId });
    const connector = this.connectors.get(t.kind);
    if (!channel.enabled || !channel.importOrders || !connector.listOrders) return { orders: 0, cursor: t.cursor };
    const platform: OrderPlatform = t.kind;
    const cursorMs = t.cursor ? Date.parse(t.cursor) : Date.now() - this.config.ordersPullLookbackHours * 3600_000;
    const since = new Date(cursorMs - (t.cursor ? OVERLAP_MS : 0)).toISOString();
    const target = { id: t.id, kind: t.kind, provider: t.provider, baseUrl: t.base_url, unifiedConnectionId: t.unified_connection_id, credentials: this.vault.open(t.credentials_sealed) };
    let newest = cursorMs;
    let page: string | null = null;
    let count = 0;
    try {
      for (let i = 0; i < MAX_PAGES; i++) {
        const answer = await connector.listOrders(target, since, page);
        const jobs = answer.orders.map((order) => {
          let updated = NaN;
          let externalId = String(order.id ?? '');
          try {
            const n = normalizeOrder(platform, order);
            updated = n.updatedAt?.getTime() ?? NaN;
            externalId = n.externalId;
          } catch {
            // unreadable: order.ingest fails it permanently with the reason
          }
          if (Number.isFinite(updated) && updated > newest) newest = updated;
          return {
            name: 'order.ingest',
            data: { tenantId, connectionId, platform, topic: 'pull', order } as unknown as Record<string, unknown>,
            jobId: `pull-${connectionId}-${externalId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100)}-${Number.isFinite(updated) ? updated : 'x'}`,
          };
        });
        if (jobs.length) await this.queues.addBulk(jobs);
        count += jobs.length;
        page = answer.next;
        if (!page) break;
      }
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      await this.save(tenantId, connectionId, t.cursor, 0, err.message);
      if (err.retryable) throw new RetryableError(err.message, err.retryAfterMs);
      throw new PermanentError(err.message, err.status);
    }
    const cursor = new Date(newest).toISOString();
    await this.save(tenantId, connectionId, cursor, count, null);
    return { orders: count, cursor };
  }

  private async save(tenantId: string, connectionId: string, cursor: string | null, seen: number, error: string | null): Promise<void> {
    await prepared(
      this.db,
      `INSERT INTO order_pull_cursors (connection_id, tenant_id, cursor, last_pulled_at, last_error, orders_seen)
       VALUES ($1, $2, $3, now(), $4, $5)
       ON CONFLICT (connection_id) DO UPDATE SET cursor = COALESCE(EXCLUDED.cursor, order_pull_cursors.cursor), last_pulled_at = now(),
              last_error = EXCLUDED.last_error, orders_seen = order_pull_cursors.orders_seen + EXCLUDED.orders_seen, updated_at = now()`,
      [connectionId, tenantId, cursor, error, seen],
    );
  }

  /** Connections due for a pull (worker tick): ACTIVE commerce connections whose channel imports orders. */
  async due(limit = 500): Promise<{ tenant_id: string; id: string }[]> {
    return prepared<{ tenant_id: string; id: string }>(
      this.db,
      `SELECT c.tenant_id, c.id FROM connections c
         LEFT JOIN order_pull_cursors p ON p.connection_id = c.id
         LEFT JOIN channels ch ON ch.connection_id = c.id
        WHERE c.status = 'ACTIVE' AND c.category = 'commerce' AND c.kind IN ('shopify', 'woocommerce', 'unified')
          AND (ch.id IS NULL OR (ch.enabled AND ch.import_orders))
          AND (p.last_pulled_at IS NULL OR p.last_pulled_at < now() - $1 * interval '1 millisecond')
          -- a connection with an order_pull agent is pulled on the agent's schedule (and not while it is paused)
          AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.tenant_id = c.tenant_id AND a.kind = 'order_pull' AND a.scope->>'connection_id' = c.id::text)
        ORDER BY p.last_pulled_at NULLS FIRST LIMIT $2`,
      [Math.floor(this.config.ordersPullIntervalMs * 0.9), limit],
    );
  }
}
