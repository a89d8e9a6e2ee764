import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { ConnectorError, ConnectorRegistry, StockUpdate } from '@synq/connectors';
import { ConnectionKind, prepared } from '@synq/database';
import { ConnectionVault } from '@synq/integrations';
import { LOGGER, Logger } from '@synq/logger';
import { PermanentError, QueueService, RetryableError } from '@synq/queue';
import { RedisService } from '@synq/redis';
import { ChannelsService } from './channels.service';

const BATCH = 250;

/**
 * Marks every variant a channel sells as pending for it (after its buffer, location or enabled flag
 * changed); answers how many. Usable inside the caller's transaction.
 */
export async function markChannelStock(on: DataSource | EntityManager, tenantId: string, channelId: string): Promise<number> {
  const rows = await prepared(
    on,
    `INSERT INTO channel_stock_states AS st (channel_id, variant_id, tenant_id)
     SELECT ch.id, v.id, $1
       FROM channels ch
       JOIN connections c ON c.id = ch.connection_id AND c.status = 'ACTIVE'
       JOIN sync_states s ON s.connection_id = c.id AND s.tenant_id = $1
       JOIN variants v ON v.product_id = s.product_id AND s.remote_variant_ids ? v.id::text
      WHERE ch.tenant_id = $1 AND ch.id = $2 AND ch.enabled
     ON CONFLICT (channel_id, variant_id) DO UPDATE SET requested_seq = st.requested_seq + 1, updated_at = now()
     RETURNING channel_id`,
    [tenantId, channelId],
  );
  return rows.length;
}

interface ChannelTarget {
  channel_id: string;
  enabled: boolean;
  stock_buffer: number;
  location_id: string | null;
  connection_id: string;
  status: string;
  kind: ConnectionKind;
  provider: string;
  base_url: string | null;
  unified_connection_id: string | null;
  credentials_sealed: string | null;
}

interface DirtyRow {
  variant_id: string;
  requested_seq: string;
  pushed_quantity: number | null;
  sku: string | null;
  remote_product_id: string | null;
  remote_variant_id: string | null;
  quantity: number;
}

/**
 * Pushes available stock to every connected channel that sells a variant (available at the
 * channel's location minus its buffer, never below 0). A stock change writes an `inventory.changed`
 * outbox job in its own statement; that job bumps the (channel, variant) ledger rows of the channels
 * whose connection has the variant synced, and schedules one `inventory.push` per channel whose job id
 * is the channel and the coalescing window: every change of a burst lands in the same delayed job,
 * so a burst of orders causes one update per channel. The push reads the current figures, skips
 * variants whose figure the channel already shows, settles the seqs it read, and queues itself again
 * if newer changes arrived meanwhile. One pusher per channel at a time (a Redis lease).
 */
@Injectable()
export class StockPropagationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly connectors: ConnectorRegistry,
    private readonly vault: ConnectionVault,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Marks the channels selling these variants; answers the channels scheduled. */
  async markChanged(tenantId: string, variantIds: string[]): Promise<string[]> {
    if (!variantIds.length) return [];
    await this.channels.ensure(tenantId);
    const rows = await prepared<{ channel_id: string }>(
      this.db,
      `INSERT INTO channel_stock_states AS st (channel_id, variant_id, tenant_id)
       SELECT ch.id, v.id, $1
         FROM unnest($2::uuid[]) AS x(id)
         JOIN variants v ON v.id = x.id AND v.tenant_id = $1
         JOIN channels ch ON ch.tenant_id = $1 AND ch.kind = 'connection' AND ch.enabled
         JOIN connections c ON c.id = ch.connection_id AND c.status = 'ACTIVE'
         JOIN sync_states s ON s.connection_id = c.id AND s.product_id = v.product_id AND s.remote_variant_ids ? v.id::text
       ON CONFLICT (channel_id, variant_id) DO UPDATE SET requested_seq = st.requested_seq + 1, updated_at = now()
       RETURNING channel_id`,
      [tenantId, variantIds],
    );
    const channelIds = [...new Set(rows.map((r) => r.channel_id))];
    for (const channelId of channelIds) await this.schedule(tenantId, channelId);
    return channelIds;
  }

  /** Marks every variant a channel sells (its buffer or location changed, or it was re-enabled). */
  async markChannel(tenantId: string, channelId: string): Promise<void> {
    if (await markChannelStock(this.db, tenantId, channelId)) await this.schedule(tenantId, channelId);
  }

  /** One delayed push job per channel and coalescing window (the job id dedupes the burst). */
  async schedule(tenantId: string, channelId: string, extraDelayMs = 0): Promise<void> {
    const windowMs = Math.max(this.config.inventoryPushCoalesceMs, 1);
    const now = Date.now() + extraDelayMs;
    const window = Math.floor(now / windowMs);
    const delay = (window + 1) * windowMs - Date.now();
    await this.queues.add({ name: 'inventory.push', data: { tenantId, channelId } }, `invpush-${channelId}-${window}`, this.config.inventoryPushCoalesceMs ? delay : 0);
  }

  /** Pushes the channel's pending figures; answers how many variants the platform was sent. */
  async push(tenantId: string, channelId: string): Promise<number> {
    const target = (
      await prepared<ChannelTarget>(
        this.db,
        `SELECT ch.id AS channel_id, ch.enabled, ch.stock_buffer, ch.location_id, c.id AS connection_id, c.status, c.kind, c.provider, c.base_url,
                c.unified_connection_id, c.credentials_sealed
           FROM channels ch JOIN connections c ON c.id = ch.connection_id WHERE ch.tenant_id = $1 AND ch.id = $2`,
        [tenantId, channelId],
      )
    )[0];
    if (!target || !target.enabled || target.status !== 'ACTIVE') return 0;
    const lockKey = this.redis.key('invpush-lease', channelId);
    const lease = `${process.pid}-${Date.now()}-${Math.random()}`;
    const leaseMs = this.config.connectorTimeoutMs * 4 + 30_000;
    if ((await this.redis.client.set(lockKey, lease, 'PX', leaseMs, 'NX')) !== 'OK') {
      // another push of this channel is running: look again after it
      await this.schedule(tenantId, channelId, Math.max(this.config.inventoryPushCoalesceMs, 500));
      return 0;
    }
    try {
      const rows = await prepared<DirtyRow>(
        this.db,
        `SELECT st.variant_id, st.requested_seq::text, st.pushed_quantity, v.sku, s.remote_product_id, s.remote_variant_ids->>(v.id::text) AS remote_variant_id,
                CASE WHEN li.status = 'inactive' THEN 0 ELSE LEAST(
                GREATEST(COALESCE((SELECT l.on_hand - l.reserved FROM inventory_levels l
                                    WHERE l.variant_id = st.variant_id
                                      AND l.location_id = COALESCE($3::uuid, (SELECT d.id FROM inventory_locations d WHERE d.tenant_id = $1 AND d.is_default))), 0) - $4, 0),
                COALESCE(li.quantity_cap, 2147483647)) END::int AS quantity
           FROM channel_stock_states st
           JOIN variants v ON v.id = st.variant_id
           -- a listing of the variant on this connection caps what it shows (quantity_cap), 0 while inactive
           LEFT JOIN listings li ON li.tenant_id = $1 AND li.connection_id = $5 AND li.variant_id = st.variant_id
           LEFT JOIN sync_states s ON s.connection_id = $5 AND s.product_id = v.product_id
          WHERE st.channel_id = $2 AND st.tenant_id = $1 AND st.requested_seq > st.pushed_seq
          ORDER BY st.variant_id LIMIT ${BATCH}`,
        [tenantId, channelId, target.location_id, target.stock_buffer, target.connection_id],
      );
      if (!rows.length) return 0;
      const send = rows.filter((r) => r.remote_product_id && r.remote_variant_id && r.pushed_quantity !== r.quantity);
      const updates: StockUpdate[] = send.map((r) => ({
        variantId: r.variant_id,
        sku: r.sku,
        remoteProductId: r.remote_product_id as string,
        remoteVariantId: r.remote_variant_id as string,
        quantity: r.quantity,
      }));
      let error: ConnectorError | undefined;
      if (updates.length) {
        try {
          await this.connectors.get(target.kind).setInventory(
            {
              id: target.connection_id,
              kind: target.kind,
              provider: target.provider,
              baseUrl: target.base_url,
              unifiedConnectionId: target.unified_connection_id,
              credentials: this.vault.open(target.credentials_sealed),
            },
            updates,
          );
        } catch (err) {
          if (!(err instanceof ConnectorError)) throw err;
          error = err;
        }
      }
      if (error?.retryable) {
        await prepared(this.db, `UPDATE channel_stock_states SET last_error = $3 WHERE channel_id = $1 AND variant_id = ANY($2::uuid[])`, [channelId, send.map((r) => r.variant_id), error.message.slice(0, 2000)]);
        throw new RetryableError(error.message, error.retryAfterMs);
      }
      // settle the seqs read (a permanent failure is settled with its message: the next change tries again)
      const sent = new Set(send.map((r) => r.variant_id));
      await prepared(
        this.db,
        `UPDATE channel_stock_states st
            SET pushed_seq = GREATEST(st.pushed_seq, x.seq), pushed_at = now(),
                pushed_quantity = CASE WHEN x.sent AND $3::text IS NULL THEN x.q WHEN x.sent THEN NULL ELSE st.pushed_quantity END,
                last_error = CASE WHEN x.sent THEN $3::text ELSE st.last_error END
           FROM unnest($2::uuid[], $4::bigint[], $5::int[], $6::boolean[]) AS x(variant_id, seq, q, sent)
          WHERE st.channel_id = $1 AND st.variant_id = x.variant_id`,
        [channelId, rows.map((r) => r.variant_id), error ? error.message.slice(0, 2000) : null, rows.map((r) => r.requested_seq), rows.map((r) => r.quantity), rows.map((r) => sent.has(r.variant_id))],
      );
      const more = await prepared(this.db, `SELECT 1 FROM channel_stock_states WHERE channel_id = $1 AND requested_seq > pushed_seq LIMIT 1`, [channelId]);
      if (more.length) await this.schedule(tenantId, channelId);
      if (error) throw new PermanentError(error.message, error.status);
      return updates.length;
    } finally {
      await this.redis.client
        .eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`, 1, lockKey, lease)
        .catch((err: Error) => this.logger.warn({ err: err.message, channelId }, 'could not release the stock push lease'));
    }
  }

  /**
   * Safety net (worker sweep): variants newly listed on a connection (synced in the last hour, with a
   * stock level in Synq, no ledger row yet for that channel) get their first figure; channels with
   * ledger rows pending for a while get a push scheduled. Answers the channels scheduled.
   */
  async sweep(olderThanMs: number): Promise<number> {
    const listed = await prepared<{ tenant_id: string; channel_id: string }>(
      this.db,
      `WITH n AS (
         INSERT INTO channel_stock_states (channel_id, variant_id, tenant_id)
         SELECT ch.id, v.id, ch.tenant_id
           FROM sync_states s
           JOIN channels ch ON ch.connection_id = s.connection_id AND ch.tenant_id = s.tenant_id AND ch.enabled
           JOIN variants v ON v.product_id = s.product_id AND s.remote_variant_ids ? v.id::text
          WHERE s.status = 'SYNCED' AND s.last_synced_at > now() - interval '1 hour'
            AND EXISTS (SELECT 1 FROM inventory_levels l WHERE l.variant_id = v.id)
            AND NOT EXISTS (SELECT 1 FROM channel_stock_states x WHERE x.channel_id = ch.id AND x.variant_id = v.id)
          LIMIT 5000
         ON CONFLICT DO NOTHING RETURNING tenant_id, channel_id)
       SELECT DISTINCT tenant_id, channel_id FROM n`,
      [],
    );
    const pending = await prepared<{ tenant_id: string; channel_id: string }>(
      this.db,
      `SELECT DISTINCT tenant_id, channel_id FROM channel_stock_states
        WHERE requested_seq > pushed_seq AND updated_at < now() - $1 * interval '1 millisecond' LIMIT 500`,
      [olderThanMs],
    );
    const all = new Map([...listed, ...pending].map((r) => [r.channel_id, r.tenant_id]));
    for (const [channelId, tenantId] of all) await this.schedule(tenantId, channelId);
    return all.size;
  }
}
