import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { Params } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { Feed, FeedReport } from '@synq/database';
import { RedisService } from '@synq/redis';
import { clampItem, FeedItem, missingReasons } from './item';
import { applyRules, FeedRule, RuleTraceEntry } from './rules';
import { FeedSerializer } from './serializers';
import { FeedFilters, FeedSettings, SourceRow, sourceItem, sourceQuery } from './source';

const FETCH = 2000;
const REPORT_ITEMS_MAX = 1000;
const LOCK_TTL_MS = 60_000;

export type CacheOutcome = 'HIT' | 'MISS';

export interface ItemOutcome {
  row: SourceRow;
  before: FeedItem;
  after: FeedItem;
  trace: RuleTraceEntry[];
  /** why the item is left out; empty when it is listed */
  reasons: string[];
  /** dropped by the feed's in_stock_only filter (not a problem to report) */
  filtered: boolean;
}

export function feedSettings(feed: Feed): FeedSettings {
  return { template: feed.template, currency: feed.currency, linkTemplate: feed.linkTemplate, imageFallback: feed.imageFallback };
}

/** The whole per-item pipeline: source item, rules, limits, required attributes. */
export function processRow(row: SourceRow, feed: Feed): ItemOutcome {
  const { item: before, blockers } = sourceItem(row, feedSettings(feed));
  const { item, excluded, trace } = applyRules(feed.rules as FeedRule[], before);
  const after = clampItem(item);
  const reasons = excluded ? [excluded] : [...blockers, ...missingReasons(after, feed.template)];
  const filtered = !excluded && !!(feed.filters as FeedFilters).in_stock_only && after.availability !== 'in_stock';
  return { row, before, after, trace, reasons, filtered };
}

export function feedExtension(format: string): string {
  return format;
}

/**
 * Builds feed files (database cursor → serializer → file, constant memory) and coordinates
 * generations across processes: one Redis lock per feed, so concurrent requests for a stale feed
 * wait for the one generation in progress instead of starting their own.
 */
@Injectable()
export class FeedGenerator {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  private lockKey(feedId: string): string {
    return this.redis.key('feed', feedId, 'generating');
  }

  /** The stored file is current: built from this configuration and found current within the cache TTL. */
  isFresh(feed: Feed, now = Date.now()): boolean {
    return (
      !!feed.generatedFile &&
      feed.generatedConfigVersion === feed.configVersion &&
      !!feed.checkedAt &&
      now - feed.checkedAt.getTime() < this.config.feedCacheTtlSeconds * 1000
    );
  }

  /** What the catalog looks like now: newest change and row counts (deletions change the counts). */
  async signature(m: EntityManager | DataSource, tenantId: string): Promise<{ version: Date | null; signature: string }> {
    const [r]: { pv: Date | null; vv: Date | null; np: number; nv: number; nm: number; mv: Date | null }[] = await m.query(
      `SELECT (SELECT max(updated_at) FROM products WHERE tenant_id = $1) AS pv, (SELECT max(updated_at) FROM variants WHERE tenant_id = $1) AS vv,
              (SELECT count(*)::int FROM products WHERE tenant_id = $1) AS np, (SELECT count(*)::int FROM variants WHERE tenant_id = $1) AS nv,
              (SELECT count(*)::int FROM media WHERE tenant_id = $1) AS nm, (SELECT max(updated_at) FROM media WHERE tenant_id = $1) AS mv`,
      [tenantId],
    );
    const dates = [r.pv, r.vv, r.mv].filter((d): d is Date => !!d).map((d) => new Date(d).getTime());
    const version = dates.length ? new Date(Math.max(...dates)) : null;
    return { version, signature: `${version?.toISOString() ?? '-'}|${r.np}|${r.nv}|${r.nm}` };
  }

  async load(feedId: string): Promise<Feed | null> {
    return this.db.getRepository(Feed).findOne({ where: { id: feedId } });
  }

  /**
   * Makes the feed's file current and says how: HIT when the stored file could be served (fresh, or
   * the catalog and configuration unchanged since it was built), MISS when this request waited for a
   * generation (its own, or the one another request or the worker was running).
   */
  async ensureFresh(feed: Feed): Promise<{ feed: Feed; cache: CacheOutcome }> {
    if (this.isFresh(feed)) return { feed, cache: 'HIT' };
    const deadline = Date.now() + this.config.feedGenerationWaitMs;
    let waited = false;
    for (;;) {
      const result = await this.withLock(feed.id, async () => {
        const current = await this.load(feed.id);
        if (!current) return null;
        if (this.isFresh(current)) return { feed: current, cache: (waited ? 'MISS' : 'HIT') as CacheOutcome };
        if (await this.revalidate(current)) return { feed: (await this.load(feed.id))!, cache: (waited ? 'MISS' : 'HIT') as CacheOutcome };
        await this.build(current);
        return { feed: (await this.load(feed.id))!, cache: 'MISS' as CacheOutcome };
      });
      if (result === null) throw new Error('feed deleted while generating');
      if (result) return result;
      // another process holds the lock: wait for its generation to finish
      waited = true;
      while ((await this.redis.client.exists(this.lockKey(feed.id))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const after = await this.load(feed.id);
      if (!after) throw new Error('feed deleted while generating');
      if (this.isFresh(after)) return { feed: after, cache: 'MISS' };
      if (Date.now() >= deadline) throw new Error('feed generation did not finish in time');
    }
  }

  /** Generation requested by the worker: skipped when another process is generating it right now. */
  async refresh(feedId: string, force: boolean): Promise<'generated' | 'current' | 'busy' | 'gone'> {
    const r = await this.withLock(feedId, async () => {
      const feed = await this.load(feedId);
      if (!feed) return 'gone' as const;
      if (!force && (this.isFresh(feed) || (await this.revalidate(feed)))) return 'current' as const;
      await this.build(feed);
      return 'generated' as const;
    });
    return r === undefined ? 'busy' : r;
  }

  /** Runs fn under the feed's generation lock; undefined when someone else holds it. */
  private async withLock<T>(feedId: string, fn: () => Promise<T>): Promise<T | undefined> {
    const key = this.lockKey(feedId);
    const token = randomBytes(12).toString('hex');
    const ok = await this.redis.client.set(key, token, 'PX', LOCK_TTL_MS, 'NX');
    if (ok !== 'OK') return undefined;
    const keepAlive = setInterval(() => {
      void this.redis.client
        .eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`, 1, key, token, String(LOCK_TTL_MS))
        .catch(() => undefined);
    }, LOCK_TTL_MS / 3);
    try {
      return await fn();
    } finally {
      clearInterval(keepAlive);
      await this.redis.client
        .eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`, 1, key, token)
        .catch(() => undefined);
    }
  }

  /** The file is still right when neither the configuration nor the catalog changed: mark it checked. */
  private async revalidate(feed: Feed): Promise<boolean> {
    if (!feed.generatedFile || feed.generatedConfigVersion !== feed.configVersion || !feed.catalogSignature) return false;
    const { signature } = await this.signature(this.db, feed.tenantId);
    if (signature !== feed.catalogSignature) return false;
    await this.db.query(`UPDATE feeds SET checked_at = now() WHERE id = $1 AND config_version = $2`, [feed.id, feed.configVersion]);
    return true;
  }

  filePath(feed: Feed, stamp: number): string {
    return resolve(join(this.config.storageDir, 'feeds', feed.tenantId, `${feed.id}-${feed.configVersion}-${stamp}.${feedExtension(feed.format)}`));
  }

  /**
   * Streams the feed from a cursor (one REPEATABLE READ snapshot, so the catalog signature matches
   * the rows) to `<file>.part`, hashing as it goes, then renames it into place and records it.
   */
  async build(feed: Feed): Promise<{ items: number; excluded: number }> {
    const path = this.filePath(feed, Date.now());
    const part = `${path}.part`;
    await mkdir(join(this.config.storageDir, 'feeds', feed.tenantId), { recursive: true });
    const out = createWriteStream(part);
    const hash = createHash('sha256');
    const write = async (s: string) => {
      if (!s) return;
      hash.update(s);
      if (!out.write(s)) await once(out, 'drain');
    };
    const report: FeedReport = { excluded_count: 0, reasons: {}, items: [] };
    let items = 0;
    const qr = this.db.createQueryRunner();
    let sig: { version: Date | null; signature: string };
    try {
      await qr.connect();
      await qr.startTransaction('REPEATABLE READ');
      sig = await this.signature(qr.manager, feed.tenantId);
      const params = new Params();
      const sql = sourceQuery(params, feed.tenantId, feed.filters as FeedFilters);
      await qr.query(`DECLARE feed_cursor NO SCROLL CURSOR FOR ${sql}`, params.values);
      const ser = new FeedSerializer(feed.format, {
        title: feed.name,
        link: `${this.config.publicBaseUrl.replace(/\/$/, '')}/api/public/feeds/${feed.slug}`,
        description: `${feed.name} (${feed.template})`,
      });
      await write(ser.head());
      for (;;) {
        const rows: SourceRow[] = await qr.query(`FETCH ${FETCH} FROM feed_cursor`);
        for (const row of rows) {
          const o = processRow(row, feed);
          if (o.filtered) continue;
          if (o.reasons.length) {
            report.excluded_count! += 1;
            for (const r of o.reasons) report.reasons![r.startsWith('excluded by rule') ? 'excluded by rule' : r] = (report.reasons![r] ?? 0) + 1;
            if (report.items!.length < REPORT_ITEMS_MAX) report.items!.push({ id: o.after.id ?? row.variant_id, product_id: row.product_id, sku: row.sku, reasons: o.reasons });
            else report.truncated = true;
            continue;
          }
          await write(ser.item(o.after));
          items++;
        }
        if (rows.length < FETCH) break;
      }
      await write(ser.tail());
      await qr.query('CLOSE feed_cursor');
      await qr.commitTransaction();
      out.end();
      await once(out, 'finish');
      await rename(part, path);
    } catch (err) {
      out.destroy();
      await unlink(part).catch(() => undefined);
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      await this.db.query(`UPDATE feeds SET generation_error = $2 WHERE id = $1`, [feed.id, String((err as Error).message).slice(0, 2000)]).catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
    const digest = hash.digest('hex');
    const size = out.bytesWritten;
    const [prev]: { generated_file: string | null }[] = await this.db.query(`SELECT generated_file FROM feeds WHERE id = $1`, [feed.id]);
    const updated = await this.db.query(
      `UPDATE feeds SET generated_file = $2, generated_at = now(), checked_at = now(), generated_config_version = $3, item_count = $4, excluded_count = $5,
              etag = $6, content_hash = $7, catalog_version = $8, catalog_signature = $9, report = $10, file_size = $11, generation_error = NULL,
              generation_count = generation_count + 1
        WHERE id = $1 AND config_version = $3 RETURNING id`,
      [feed.id, path, feed.configVersion, items, report.excluded_count, `"${digest.slice(0, 32)}"`, digest, sig!.version, sig!.signature, JSON.stringify(report), size],
    );
    // an older file is unlinked; a request still streaming it keeps its open descriptor
    const stale = updated[1] ? prev?.generated_file : path;
    if (stale && stale !== path) await unlink(stale).catch(() => undefined);
    if (!updated[1]) await unlink(path).catch(() => undefined);
    return { items, excluded: report.excluded_count! };
  }

  /** The first `limit` items with their values before and after the rules (no file written). */
  async preview(feed: Feed, limit: number): Promise<ItemOutcome[]> {
    const params = new Params();
    const sql = sourceQuery(params, feed.tenantId, feed.filters as FeedFilters);
    const rows: SourceRow[] = await this.db.query(`${sql} LIMIT ${params.add(limit)}`, params.values);
    return rows.map((r) => processRow(r, feed));
  }
}
