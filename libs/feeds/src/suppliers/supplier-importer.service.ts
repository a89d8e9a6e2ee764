import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline, Readable, Transform } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from '@synq/audit';
import { systemContext, TenantContext } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { SecretBox } from '@synq/crypto';
import { copyField, copyIn, isProductLimitError, queryRows, Supplier, SupplierRun, SupplierRunRowError } from '@synq/database';
import { ChangeRecorder, OutboxService } from '@synq/events';
import { BodyTooLargeError, OutboundRequestError, safeGet, UnsafeTargetError } from '@synq/http';
import { LOGGER, Logger } from '@synq/logger';
import { InventoryService, StockDelta } from '@synq/orders';
import { AttributeDefinition, slugify, toUnits } from '@synq/pim';
import { MapContext, mapRecord, MappedRow } from './mapping';
import { MalformedFileError, parseSupplierStream } from './parsers';

/** Rows staged per statement and applied per transaction. */
export const SUPPLIER_BATCH = 2000;
/** Mapped rows staged per COPY statement (and per progress update of the run). */
const STAGE_CHUNK = 10_000;
/** Runs that created at least this many rows refresh the catalog tables' statistics. */
const ANALYZE_AFTER_ROWS = 10_000;
/** Row errors kept on a run (all are counted). */
export const MAX_RUN_ERRORS = 1000;

/** The credentials of a supplier URL, sealed at rest. */
export type SupplierAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string } | { type: 'header'; name: string; value: string };

export function authHeaders(auth: SupplierAuth | null): Record<string, string> {
  if (!auth) return {};
  if (auth.type === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return { [auth.name.toLowerCase()]: auth.value };
}

/** A failure that ends the run (reported on it); nothing more is applied. */
class RunFailure extends Error {}

interface StagedRow {
  seq: number;
  line: number;
  match_key: string;
  /** md5 of the staged JSON, kept on the supplier item (see apply) */
  hash: string;
  data: MappedRow;
}

interface ExistingRow {
  variant_id: string;
  product_id: string;
  sku: string | null;
  barcode: string | null;
  variant_title: string | null;
  price: string | null;
  compare_at_price: string | null;
  cost_price: string | null;
  currency: string | null;
  weight_grams: number | null;
  options: Record<string, string>;
  variant_attributes: Record<string, string | number | boolean>;
  title: string;
  description: string | null;
  status: string;
  brand_id: string | null;
  category_id: string | null;
  attributes: Record<string, string | number | boolean>;
  images: string[] | null;
  stock: number | null;
  /** whether this supplier already provides the variant (a supplier_items row exists) */
  linked: boolean;
  group_key: string | null;
}

type Json = Record<string, unknown>;

const PRODUCT_FIELDS = ['title', 'description', 'status', 'brand_id', 'category_id', 'attributes'] as const;
const VARIANT_FIELDS = ['sku', 'barcode', 'title', 'price', 'compare_at_price', 'cost_price', 'currency', 'weight_grams', 'options', 'attributes'] as const;

function sameMoney(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return toUnits(a) === toUnits(b);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a as Json);
    const kb = Object.keys(b as Json);
    return ka.length === kb.length && ka.every((k) => sameJson((a as Json)[k], (b as Json)[k]));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function availability(stock: number | undefined): Record<string, string> {
  return stock === undefined ? {} : { availability: stock > 0 ? 'in_stock' : 'out_of_stock' };
}

/**
 * Supplier imports, worker side. A run downloads the supplier's file with a safe streaming GET (or
 * reads the uploaded file), parses it streaming, maps and validates each row, and stages the good
 * rows in `supplier_staging` (bad rows are reported with their line and reason). Only a file that
 * was read to its end is applied: in set-based batches, each batch's products, variants, media,
 * supplier items, audit entries, domain events (through the ChangeRecorder, so sync and webhooks
 * see the changes) and the run's progress commit together. A killed worker's run resumes after the
 * last committed batch; a run that keeps failing is marked failed with the counts of what was applied.
 */
@Injectable()
export class SupplierImporter {
  private readonly box: SecretBox;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly changes: ChangeRecorder,
    private readonly inventory: InventoryService,
  ) {
    this.box = new SecretBox(config.encryptionKey);
  }

  sealAuth(auth: SupplierAuth): string {
    return this.box.seal(JSON.stringify(auth));
  }

  /** Runs (or resumes) an import; returns the run's final status. */
  async run(tenantId: string, runId: string): Promise<string> {
    const run = await this.db.getRepository(SupplierRun).findOne({ where: { id: runId, tenantId } });
    if (!run || run.status === 'completed' || run.status === 'failed') return run?.status ?? 'gone';
    const supplier = await this.db.getRepository(Supplier).findOne({ where: { id: run.supplierId, tenantId } });
    if (!supplier) return 'gone';
    try {
      const t0 = Date.now();
      if (run.status === 'queued' || run.status === 'running') await this.stage(supplier, run);
      const t1 = Date.now();
      await this.apply(supplier, run);
      await this.refreshStatistics(supplier, run);
      const t2 = Date.now();
      if (supplier.onMissing !== 'keep') await this.handleMissing(supplier, run);
      await this.complete(supplier, run);
      this.logger.info(
        { tenantId, supplierId: supplier.id, runId, stageMs: t1 - t0, applyMs: t2 - t1, missingMs: Date.now() - t2 },
        'supplier import completed',
      );
      return 'completed';
    } catch (err) {
      if (err instanceof RunFailure) {
        await this.fail(tenantId, runId, err.message);
        return 'failed';
      }
      throw err;
    }
  }

  /** Marks a run failed (the job gave up, or the file could not be read); staged rows are dropped. */
  async fail(tenantId: string, runId: string, reason: string): Promise<void> {
    const rows = await queryRows<{ upload_file: string | null }>(
      this.db,
      `UPDATE supplier_runs SET status = 'failed', error = $3, finished_at = now(), updated_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status NOT IN ('completed', 'failed') RETURNING upload_file`,
      [runId, tenantId, reason.slice(0, 2000)],
    );
    await this.db.query(`DELETE FROM supplier_staging WHERE run_id = $1`, [runId]);
    if (rows[0]?.upload_file) await unlink(rows[0].upload_file).catch(() => undefined);
  }

  // ------------------------------------------------------------------ download, parse, stage

  private async open(supplier: Supplier, run: SupplierRun): Promise<Readable> {
    if (run.uploadFile) return createReadStream(run.uploadFile);
    if (!supplier.url) throw new RunFailure('the supplier has no url; upload a file instead');
    const auth = supplier.authSealed ? (JSON.parse(this.box.open(supplier.authSealed)) as SupplierAuth) : null;
    try {
      const res = await safeGet(supplier.url, {
        policy: { allowPrivate: this.config.allowPrivateNetworkTargets, allowHttp: this.config.supplierAllowHttp },
        headers: authHeaders(auth),
        headersTimeoutMs: Math.min(30_000, this.config.supplierDownloadTimeoutMs),
        totalTimeoutMs: this.config.supplierDownloadTimeoutMs,
        maxBytes: this.config.supplierMaxBytes,
        maxRedirects: 3,
      });
      if (res.status < 200 || res.status > 299) {
        res.body.destroy();
        throw new RunFailure(`the supplier URL answered HTTP ${res.status}`);
      }
      return res.body;
    } catch (err) {
      throw this.downloadFailure(err);
    }
  }

  private downloadFailure(err: unknown): Error {
    if (err instanceof RunFailure) return err;
    if (err instanceof UnsafeTargetError) return new RunFailure(`the supplier URL is not allowed: ${err.message}`);
    if (err instanceof BodyTooLargeError) return new RunFailure(`the file is larger than the ${this.config.supplierMaxBytes}-byte limit`);
    if (err instanceof OutboundRequestError) return new RunFailure(`download failed (${err.kind}): ${err.message}`);
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return new RunFailure('the uploaded file is no longer in storage; upload it again');
    return err as Error;
  }

  private async attributeDefs(tenantId: string): Promise<Map<string, AttributeDefinition>> {
    const rows: { slug: string; type: AttributeDefinition['type']; options: string[] | null }[] = await this.db.query(
      `SELECT slug, type, options FROM attributes WHERE tenant_id = $1 LIMIT 5000`,
      [tenantId],
    );
    return new Map(rows.map((r) => [r.slug, { slug: r.slug, type: r.type, options: r.options ?? [] }]));
  }

  private async stage(supplier: Supplier, run: SupplierRun): Promise<void> {
    const tenantId = supplier.tenantId;
    // a fresh start (also after a crash while staging): nothing of this run is applied yet
    await this.db.query(`DELETE FROM supplier_staging WHERE run_id = $1`, [run.id]);
    await this.db.query(
      `UPDATE supplier_runs SET status = 'running', started_at = COALESCE(started_at, now()), rows_total = 0, rows_staged = 0, failed = 0,
              errors = '[]', bytes = 0, error = NULL, updated_at = now() WHERE id = $1 AND tenant_id = $2`,
      [run.id, tenantId],
    );
    const ctx: MapContext = {
      mapping: supplier.mapping,
      matchOn: supplier.matchOn,
      defaultCurrency: supplier.currency,
      attributes: await this.attributeDefs(tenantId),
    };
    let input: Readable | undefined;
    let total = 0;
    let staged = 0;
    let bytes = 0;
    // COPY lines of the mapped rows: run_id, seq, line, tenant_id, match_key, data
    const prefix = `${run.id}\t`;
    const tenantField = `\t${tenantId}\t`;
    let pending: string[] = [];
    let errors: SupplierRunRowError[] = [];
    const progress = async (failedNow: SupplierRunRowError[], newlyStaged: number) => {
      await this.db.query(
        `UPDATE supplier_runs SET rows_total = $3, rows_staged = rows_staged + $4, failed = failed + $5, bytes = $6, updated_at = now(),
                errors = CASE WHEN jsonb_array_length(errors) >= ${MAX_RUN_ERRORS} THEN errors
                              ELSE (SELECT COALESCE(jsonb_agg(e), '[]'::jsonb) FROM (SELECT e FROM jsonb_array_elements(errors || $7::jsonb) e LIMIT ${MAX_RUN_ERRORS}) x) END
          WHERE id = $1 AND tenant_id = $2`,
        [run.id, tenantId, total, newlyStaged, failedNow.length, bytes, JSON.stringify(failedNow.slice(0, MAX_RUN_ERRORS))],
      );
    };
    // One COPY in flight while the next chunk is parsed and mapped (PostgreSQL and the worker work at
    // the same time); chunks are copied, and the run's progress written, in file order.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      await inFlight;
      if (!pending.length && !errors.length) return;
      const batch = pending;
      const failedNow = errors;
      pending = [];
      errors = [];
      inFlight = (async () => {
        const copied = await copyIn(this.db, 'supplier_staging (run_id, seq, line, tenant_id, match_key, data)', batch);
        staged += copied;
        await progress(failedNow, copied);
      })();
      inFlight.catch(() => undefined); // awaited (and thrown) by the next flush
    };
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      input = await this.open(supplier, run);
      pipeline(input, counter, () => undefined);
      for await (const records of parseSupplierStream(counter, supplier.format, supplier.itemPath)) {
        for (const rec of records) {
          total++;
          if (rec.error || !rec.record) {
            errors.push({ item: total, line: rec.line, key: null, reason: rec.error ?? 'unreadable row' });
            continue;
          }
          const out = mapRecord(rec.record, ctx);
          if (!out.ok) errors.push({ item: total, line: rec.line, key: out.key, reason: out.reason });
          else pending.push(`${prefix}${total}\t${rec.line}${tenantField}${copyField(out.key)}\t${copyField(JSON.stringify(out.row))}\n`);
        }
        if (pending.length >= STAGE_CHUNK || errors.length >= SUPPLIER_BATCH) await flush();
      }
      await flush();
      await inFlight;
    } catch (err) {
      input?.destroy();
      await inFlight.catch(() => undefined);
      counter.destroy();
      if (err instanceof MalformedFileError) throw new RunFailure(`the file cannot be read as ${supplier.format.toUpperCase()}: ${err.message}`);
      throw this.downloadFailure(err);
    }
    // A key listed twice: the first row is used, the later ones are reported (one set-based pass
    // over the staged rows instead of a unique check per row while copying).
    const dupes = await queryRows<{ seq: number; line: number; match_key: string }>(
      this.db,
      `DELETE FROM supplier_staging s USING (
         SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY match_key ORDER BY seq) AS n FROM supplier_staging WHERE run_id = $1) x WHERE n > 1
       ) d WHERE s.run_id = $1 AND s.seq = d.seq RETURNING s.seq, s.line, s.match_key`,
      [run.id],
    );
    if (dupes.length) {
      dupes.sort((a, b) => a.seq - b.seq);
      staged -= dupes.length;
      await progress(
        dupes.map((d) => ({ item: d.seq, line: d.line, key: d.match_key, reason: `${supplier.matchOn} ${d.match_key} appears more than once in the file (the first row is used)` })),
        -dupes.length,
      );
    }
    if (!staged) throw new RunFailure(total ? 'no row of the file could be imported (see errors); nothing was changed' : 'the file has no rows; nothing was changed');
    await this.db.query(`UPDATE supplier_runs SET status = 'applying', apply_cursor = 0, updated_at = now() WHERE id = $1 AND tenant_id = $2`, [run.id, tenantId]);
    run.status = 'applying';
  }

  // ------------------------------------------------------------------ apply

  private context(supplier: Supplier, run: SupplierRun): TenantContext {
    return systemContext(supplier.tenantId, supplier.orgId as string, `supplier_run:${run.id}`);
  }

  private async apply(supplier: Supplier, run: SupplierRun): Promise<void> {
    const keyCol = supplier.matchOn === 'sku' ? 'sku' : 'barcode';
    // A barcode may be shared by several variants: such rows are never skipped (the batch reports them).
    const unique = keyCol === 'sku' ? '' : ` AND NOT EXISTS (SELECT 1 FROM variants v2 WHERE v2.tenant_id = $3 AND v2.barcode = st.match_key AND v2.id <> v.id)`;
    for (;;) {
      const done = await this.db.transaction(async (m) => {
        const [state]: { status: string; apply_cursor: number }[] = await m.query(
          `SELECT status, apply_cursor FROM supplier_runs WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
          [run.id, supplier.tenantId],
        );
        if (!state || state.status !== 'applying') return true;
        // The trigram (GIN) index on variants.sku also answers `=`, and PostgreSQL's GIN cost estimate
        // makes it look cheap; for keys sharing trigrams ("SUP-1", "SUP-2", …) each probe rechecks most of
        // the tenant (measured: 15-30 s per 2,000-row batch). GIN is only reachable through bitmap scans,
        // so the batch turns those off and the lookups use the (tenant_id, sku) b-tree.
        await m.query(`SET LOCAL enable_bitmapscan = off`);
        // Every statement here is a bounded batch of key probes: compiling it with JIT (which the
        // probes' pessimistic cost estimates would trigger) costs more than it runs (measured ~0.8 s).
        await m.query(`SET LOCAL jit = off`);
        // A row identical to the one its supplier item was last applied from (same hash), whose variant
        // and product nobody changed since, is unchanged: its data is not even read. The others are
        // compared field by field.
        // (a LATERAL probe with LIMIT 1: as an EXISTS, PostgreSQL may hash the whole tenant's items
        // once per batch instead — measured ~1 s per 2,000-row batch at 100k items, against 75 ms)
        const staged: (StagedRow & { data: MappedRow | null })[] = await m.query(
          `SELECT st.seq, st.line, st.match_key, st.hash, CASE WHEN same.yes THEN NULL ELSE st.data END AS data
             FROM (SELECT seq, line, match_key, data, md5(data::text)::uuid AS hash FROM supplier_staging
                    WHERE run_id = $1 AND tenant_id = $3 AND seq > $2 ORDER BY seq LIMIT ${SUPPLIER_BATCH}) st
             LEFT JOIN LATERAL (
                    SELECT true AS yes FROM variants v
                      JOIN supplier_items si ON si.supplier_id = $4 AND si.variant_id = v.id
                      JOIN products p ON p.id = v.product_id
                     WHERE v.tenant_id = $3 AND v.${keyCol} = st.match_key AND si.row_hash = st.hash
                       AND si.applied_at >= v.updated_at AND si.applied_at >= p.updated_at${unique}
                     LIMIT 1) same ON true
            ORDER BY st.seq`,
          [run.id, state.apply_cursor, supplier.tenantId, supplier.id],
        );
        if (!staged.length) return true;
        const rows = staged.filter((r): r is StagedRow => r.data !== null);
        const skipped = staged.length - rows.length;
        let counts: { created: number; updated: number; unchanged: number; errors: SupplierRunRowError[] };
        try {
          counts = rows.length ? await this.applyBatch(m, supplier, run, rows) : { created: 0, updated: 0, unchanged: 0, errors: [] };
        } catch (err) {
          if (isProductLimitError(err)) throw new RunFailure('the plan’s product limit is reached; the rows before were applied');
          throw err;
        }
        await m.query(
          `UPDATE supplier_runs SET apply_cursor = $3, rows_applied = rows_applied + $4, created = created + $5, updated = updated + $6,
                  unchanged = unchanged + $7, failed = failed + $8, updated_at = now(),
                  errors = CASE WHEN jsonb_array_length(errors) >= ${MAX_RUN_ERRORS} THEN errors
                                ELSE (SELECT COALESCE(jsonb_agg(e), '[]'::jsonb) FROM (SELECT e FROM jsonb_array_elements(errors || $9::jsonb) e LIMIT ${MAX_RUN_ERRORS}) x) END
            WHERE id = $1 AND tenant_id = $2`,
          [
            run.id,
            supplier.tenantId,
            staged[staged.length - 1].seq,
            staged.length - counts.errors.length,
            counts.created,
            counts.updated,
            counts.unchanged + skipped,
            counts.errors.length,
            JSON.stringify(counts.errors),
          ],
        );
        return staged.length < SUPPLIER_BATCH;
      });
      if (done) break;
    }
  }

  /**
   * A run that created many rows changes the catalog tables' statistics (a new tenant's first import
   * especially): they are refreshed once, so that later queries (the next run's lookups, on_missing,
   * the catalog's own lists) keep index plans instead of scanning the tenant.
   */
  private async refreshStatistics(supplier: Supplier, run: SupplierRun): Promise<void> {
    const [r]: { created: number }[] = await this.db.query(`SELECT created FROM supplier_runs WHERE id = $1 AND tenant_id = $2`, [run.id, supplier.tenantId]);
    if ((r?.created ?? 0) < ANALYZE_AFTER_ROWS) return;
    await this.db
      .query(`ANALYZE products, variants, media, supplier_items`)
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'ANALYZE after a supplier import failed; continuing'));
  }

  private async applyBatch(m: EntityManager, supplier: Supplier, run: SupplierRun, rows: StagedRow[]) {
    const tenantId = supplier.tenantId;
    const ctx = this.context(supplier, run);
    const errors: SupplierRunRowError[] = [];
    const mapsImages = supplier.mapping.some((e) => e.target === 'images');
    const keyCol = supplier.matchOn === 'sku' ? 'sku' : 'barcode';
    const keys = rows.map((r) => r.match_key);

    // (bitmap scans are off in this transaction: see apply)
    // Every lookup of a batch is a LATERAL probe per key: planned as index probes whatever the
    // statistics say. As plain joins, a tenant whose statistics predate its growth (a first import,
    // while it runs) got hash joins over the whole tenant per batch (measured 4 s per batch at 100k).
    const existing: (ExistingRow & { key: string })[] = await m.query(
      `SELECT k.key, v.id AS variant_id, v.product_id, v.sku, v.barcode, v.title AS variant_title, v.price::text AS price,
              v.compare_at_price::text AS compare_at_price, v.cost_price::text AS cost_price, v.currency, v.weight_grams, v.options,
              v.attributes AS variant_attributes, p.title, p.description, p.status, p.brand_id, p.category_id, p.attributes,
              ${mapsImages ? `(SELECT array_agg(md.url ORDER BY md.sort_order, md.created_at, md.id) FROM media md WHERE md.product_id = p.id AND md.variant_id IS NULL)` : 'NULL::text[]'} AS images,
              si.stock, si.variant_id IS NOT NULL AS linked, si.group_key
         FROM unnest($2::text[]) AS k(key)
         CROSS JOIN LATERAL (SELECT * FROM variants v WHERE v.tenant_id = $1 AND v.${keyCol} = k.key LIMIT 100) v
         JOIN products p ON p.id = v.product_id
         LEFT JOIN supplier_items si ON si.supplier_id = $3 AND si.variant_id = v.id`,
      [tenantId, keys, supplier.id],
    );
    const byKey = new Map<string, (ExistingRow & { key: string })[]>();
    for (const e of existing) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);

    // brands by name (created when new), categories by slug or name (must exist)
    const brandNames = [...new Set(rows.map((r) => r.data.brand?.trim()).filter((b): b is string => !!b))];
    const brands = new Map<string, string>();
    if (brandNames.length) {
      const lower = brandNames.map((b) => b.toLowerCase());
      const found: { id: string; name: string }[] = await m.query(
        `SELECT DISTINCT ON (lower(name)) id, name FROM brands WHERE tenant_id = $1 AND lower(name) = ANY($2::text[]) ORDER BY lower(name), created_at`,
        [tenantId, lower],
      );
      for (const b of found) brands.set(b.name.toLowerCase(), b.id);
      const missing = brandNames.filter((b) => !brands.has(b.toLowerCase()));
      const uniq = [...new Map(missing.map((b) => [b.toLowerCase(), b])).values()];
      if (uniq.length) {
        const made: { id: string; name: string }[] = await m.query(
          `INSERT INTO brands (tenant_id, name) SELECT $1, unnest($2::text[]) RETURNING id, name`,
          [tenantId, uniq],
        );
        for (const b of made) brands.set(b.name.toLowerCase(), b.id);
      }
    }
    const categoryNames = [...new Set(rows.map((r) => r.data.category?.trim()).filter((c): c is string => !!c))];
    const categories = new Map<string, string>();
    if (categoryNames.length) {
      const found: { id: string; slug: string; name: string }[] = await m.query(
        `SELECT id, slug, name FROM categories WHERE tenant_id = $1 AND (slug = ANY($2::text[]) OR lower(name) = ANY($3::text[]))`,
        [tenantId, categoryNames, categoryNames.map((c) => c.toLowerCase())],
      );
      for (const c of found) {
        categories.set(c.slug, c.id);
        if (!categories.has(c.name.toLowerCase())) categories.set(c.name.toLowerCase(), c.id);
      }
    }
    const categoryId = (name: string) => categories.get(name) ?? categories.get(name.toLowerCase());

    // product groups: rows with the same `group` share one product (created in this batch, or earlier)
    const groups = [...new Set(rows.map((r) => r.data.group).filter((g): g is string => !!g))];
    const groupProduct = new Map<string, string>();
    if (groups.length) {
      const found: { group_key: string; product_id: string }[] = await m.query(
        `SELECT DISTINCT ON (si.group_key) si.group_key, si.product_id FROM supplier_items si JOIN products p ON p.id = si.product_id
          WHERE si.supplier_id = $1 AND si.tenant_id = $2 AND si.group_key = ANY($3::text[])`,
        [supplier.id, tenantId, groups],
      );
      for (const g of found) groupProduct.set(g.group_key, g.product_id);
    }

    // SKUs new rows would take from variants they do not match (match_on barcode)
    const takenSkus = new Set<string>();
    if (supplier.matchOn === 'barcode') {
      const wanted = rows.map((r) => r.data.sku).filter((s): s is string => !!s);
      if (wanted.length) {
        const t: { sku: string; barcode: string | null }[] = await m.query(
          `SELECT v.sku, v.barcode FROM unnest($2::text[]) AS k(sku) CROSS JOIN LATERAL (SELECT sku, barcode FROM variants v WHERE v.tenant_id = $1 AND v.sku = k.sku LIMIT 1) v`,
          [tenantId, wanted],
        );
        for (const x of t) takenSkus.add(`${x.sku}\u0000${x.barcode ?? ''}`);
      }
    }
    const skuTaken = (sku: string, barcode: string | null) => {
      for (const k of takenSkus) if (k.startsWith(`${sku}\u0000`) && k !== `${sku}\u0000${barcode ?? ''}`) return true;
      return false;
    };

    const newProducts: Json[] = [];
    const newVariants: Json[] = [];
    const productUpdates = new Map<string, Json>();
    const variantUpdates: Json[] = [];
    const mediaReplace = new Map<string, string[]>();
    const items: Json[] = [];
    const audit: AuditEntry[] = [];
    const events: { type: string; data: Json }[] = [];
    /** a new product's handle before any suffix: its title's slug */
    const baseHandles = new Map<string, string>();
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const createdInBatch = new Map<string, { productId: string; variantIds: string[] }>();
    const variantProducts = new Set<string>();

    for (const r of rows) {
      const d = r.data;
      const matches = byKey.get(r.match_key) ?? [];
      if (matches.length > 1) {
        errors.push({ item: r.seq, line: r.line, key: r.match_key, reason: `${matches.length} variants have ${keyCol} ${r.match_key}; cannot tell which to update` });
        continue;
      }
      let brandId: string | null | undefined;
      if (d.brand !== undefined) brandId = d.brand.trim() ? (brands.get(d.brand.trim().toLowerCase()) ?? null) : null;
      let catId: string | null | undefined;
      if (d.category !== undefined && d.category.trim()) {
        catId = categoryId(d.category.trim());
        if (!catId) {
          errors.push({ item: r.seq, line: r.line, key: r.match_key, reason: `category ${d.category.slice(0, 100)} does not exist (use a category slug or name)` });
          continue;
        }
      }
      const extraVariantAttrs = availability(d.stock);
      const e = matches[0];
      if (e) {
        if (d.sku && supplier.matchOn === 'barcode' && d.sku !== e.sku && skuTaken(d.sku, e.barcode)) {
          errors.push({ item: r.seq, line: r.line, key: r.match_key, reason: `sku ${d.sku} already belongs to another variant` });
          continue;
        }
        const pBefore: Json = { title: e.title, description: e.description, status: e.status, brand_id: e.brand_id, category_id: e.category_id, attributes: e.attributes };
        // several rows (variants) of one product in a batch: each compares with the state the previous left
        const pBase: Json = productUpdates.get(e.product_id) ?? pBefore;
        const pAfter: Json = { ...pBase };
        if (d.title !== undefined) pAfter.title = d.title;
        if (d.description !== undefined) pAfter.description = d.description;
        if (d.status !== undefined) pAfter.status = d.status;
        if (brandId !== undefined) pAfter.brand_id = brandId;
        if (catId !== undefined) pAfter.category_id = catId;
        if (d.attributes) pAfter.attributes = { ...(pAfter.attributes as Json), ...d.attributes };
        const vBefore: Json = {
          sku: e.sku,
          barcode: e.barcode,
          title: e.variant_title,
          price: e.price,
          compare_at_price: e.compare_at_price,
          cost_price: e.cost_price,
          currency: e.currency,
          weight_grams: e.weight_grams,
          options: e.options,
          attributes: e.variant_attributes,
        };
        const vAfter: Json = { ...vBefore };
        if (d.sku !== undefined) vAfter.sku = d.sku;
        if (d.barcode !== undefined) vAfter.barcode = d.barcode;
        if (d.variant_title !== undefined) vAfter.title = d.variant_title;
        for (const k of ['price', 'compare_at_price', 'cost_price'] as const) if (d[k] !== undefined) vAfter[k] = d[k];
        if (d.currency !== undefined) vAfter.currency = d.currency;
        if (d.weight_grams !== undefined) vAfter.weight_grams = d.weight_grams;
        if (d.options) vAfter.options = { ...(e.options ?? {}), ...d.options };
        if (d.variant_attributes || d.stock !== undefined) vAfter.attributes = { ...(e.variant_attributes ?? {}), ...(d.variant_attributes ?? {}), ...extraVariantAttrs };
        const pChanged = PRODUCT_FIELDS.filter((k) => !sameJson(pBase[k], pAfter[k]));
        const vChanged = VARIANT_FIELDS.filter((k) =>
          k === 'price' || k === 'compare_at_price' || k === 'cost_price' ? !sameMoney(vBefore[k] as string | null, vAfter[k] as string | null) : !sameJson(vBefore[k], vAfter[k]),
        );
        const imagesChanged = d.images !== undefined && !sameJson(e.images ?? [], d.images) && !mediaReplace.has(e.product_id);
        const stockChanged = d.stock !== undefined && d.stock !== e.stock;
        // the supplier item records the row it now reflects (hash, when): a row that reached this
        // comparison differs from the last one applied, or the catalog changed since, so the next run
        // of an unchanged file skips it without reading it (see apply)
        items.push({ variant_id: e.variant_id, product_id: e.product_id, group_key: d.group ?? null, stock: d.stock ?? null, row_hash: r.hash, set_stock: !e.linked || stockChanged });
        if (!pChanged.length && !vChanged.length && !imagesChanged) {
          // only the supplier's stock figure moved (without crossing zero): an update of the supplier item
          if (stockChanged) updated++;
          else unchanged++;
          continue;
        }
        updated++;
        if (pChanged.length) productUpdates.set(e.product_id, { ...pAfter, id: e.product_id });
        if (imagesChanged) mediaReplace.set(e.product_id, d.images!);
        if (vChanged.length) {
          variantUpdates.push({ ...vAfter, id: e.variant_id });
          variantProducts.add(e.product_id);
        }
        const changed = [...pChanged, ...vChanged.map((k) => `variants.${k}`), ...(imagesChanged ? ['media'] : [])];
        audit.push({ action: 'product.updated', resourceType: 'product', resourceId: e.product_id, before: { ...pBefore, variant: vBefore }, after: { ...pAfter, variant: vAfter } });
        events.push({ type: 'product.updated', data: { product_id: e.product_id, changed_fields: changed, supplier_id: supplier.id, supplier_run_id: run.id } });
        if (vChanged.length) events.push({ type: 'variant.updated', data: { product_id: e.product_id, variant_id: e.variant_id, changed_fields: vChanged } });
        continue;
      }
      // a new variant: of a product of its group, or of a new product
      if (d.sku && supplier.matchOn === 'barcode' && skuTaken(d.sku, null)) {
        errors.push({ item: r.seq, line: r.line, key: r.match_key, reason: `sku ${d.sku} already belongs to another variant` });
        continue;
      }
      const variantId = randomUUID();
      const fromBatch = d.group ? createdInBatch.get(d.group) : undefined;
      let productId = fromBatch?.productId ?? (d.group ? groupProduct.get(d.group) : undefined);
      const newProduct = !productId;
      if (newProduct) {
        if (!d.title) {
          errors.push({ item: r.seq, line: r.line, key: r.match_key, reason: 'title is required to create a product' });
          continue;
        }
        productId = randomUUID();
        baseHandles.set(productId, slugify(d.title, 200));
        newProducts.push({
          id: productId,
          title: d.title,
          description: d.description ?? null,
          status: d.status ?? 'ACTIVE',
          brand_id: brandId ?? null,
          category_id: catId ?? null,
          attributes: d.attributes ?? {},
        });
        if (d.images?.length) mediaReplace.set(productId, d.images);
      }
      const position = newProduct ? 0 : (fromBatch?.variantIds.length ?? 1);
      newVariants.push({
        id: variantId,
        product_id: productId,
        sku: d.sku ?? null,
        barcode: d.barcode ?? null,
        title: d.variant_title ?? null,
        price: d.price ?? null,
        currency: d.currency ?? null,
        compare_at_price: d.compare_at_price ?? null,
        cost_price: d.cost_price ?? null,
        options: d.options ?? {},
        attributes: { ...(d.variant_attributes ?? {}), ...extraVariantAttrs },
        weight_grams: d.weight_grams ?? null,
        position,
      });
      items.push({ variant_id: variantId, product_id: productId, group_key: d.group ?? null, stock: d.stock ?? null, row_hash: r.hash, set_stock: true });
      created++;
      if (newProduct) {
        const entry = { productId: productId!, variantIds: [variantId] };
        if (d.group) createdInBatch.set(d.group, entry);
        audit.push({ action: 'product.created', resourceType: 'product', resourceId: productId, after: { title: d.title, sku: d.sku ?? null, barcode: d.barcode ?? null, price: d.price ?? null, supplier_id: supplier.id } });
        events.push({ type: 'product.created', data: { product_id: productId, variant_ids: entry.variantIds, supplier_id: supplier.id, supplier_run_id: run.id } });
      } else {
        audit.push({ action: 'variant.created', resourceType: 'variant', resourceId: variantId, after: { product_id: productId, sku: d.sku ?? null, price: d.price ?? null } });
        // a variant of a product created in this batch is listed in its product.created event
        if (fromBatch) fromBatch.variantIds.push(variantId);
        else {
          events.push({ type: 'variant.created', data: { product_id: productId, variant_id: variantId } });
          variantProducts.add(productId!);
        }
      }
    }

    const t = tenantId;
    if (newProducts.length) {
      // Handles are unique per tenant: each product takes its title's slug, or, where that is taken
      // (by another product, or by an earlier row of this batch), the slug with a suffix of its id.
      // The unique index decides (ON CONFLICT DO NOTHING), not a lookup first: a lookup's plan
      // depends on statistics that a growing tenant's first import leaves behind (one picked the
      // tenant's created_at index and read the whole tenant per handle).
      const suffixes: ((b: string, id: string) => string)[] = [(b) => b, (b, id) => `${b.slice(0, 240)}-${id.slice(0, 8)}`, (b, id) => `${b.slice(0, 200)}-${id}`];
      let pending = newProducts;
      for (const [attempt, handleOf] of suffixes.entries()) {
        for (const p of pending) p.handle = handleOf(baseHandles.get(p.id as string)!, p.id as string);
        const inserted = await queryRows<{ id: string }>(
          m,
          `INSERT INTO products (id, tenant_id, org_id, title, handle, description, status, brand_id, category_id, attributes)
           SELECT x.id, $1, $2, x.title, x.handle, x.description, x.status, x.brand_id, x.category_id, x.attributes
             FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, title text, handle text, description text, status text, brand_id uuid, category_id uuid, attributes jsonb)
           ${attempt < suffixes.length - 1 ? 'ON CONFLICT (tenant_id, handle) DO NOTHING' : ''} RETURNING id`,
          [t, supplier.orgId, JSON.stringify(pending)],
        );
        if (inserted.length === pending.length) break;
        const done = new Set(inserted.map((r) => r.id));
        pending = pending.filter((p) => !done.has(p.id as string));
      }
    }
    if (newVariants.length) {
      await m.query(
        `INSERT INTO variants (id, tenant_id, product_id, sku, barcode, title, price, currency, compare_at_price, cost_price, options, attributes, weight_grams, position)
         SELECT x.id, $1, x.product_id, x.sku, x.barcode, x.title, x.price, x.currency, x.compare_at_price, x.cost_price, x.options, x.attributes, x.weight_grams, x.position
           FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, product_id uuid, sku text, barcode text, title text, price numeric, currency text,
                compare_at_price numeric, cost_price numeric, options jsonb, attributes jsonb, weight_grams int, position int)`,
        [t, JSON.stringify(newVariants)],
      );
    }
    if (productUpdates.size) {
      await m.query(
        `UPDATE products p SET title = x.title, description = x.description, status = x.status, brand_id = x.brand_id, category_id = x.category_id,
                attributes = x.attributes, updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, title text, description text, status text, brand_id uuid, category_id uuid, attributes jsonb)
          WHERE p.id = x.id AND p.tenant_id = $1`,
        [t, JSON.stringify([...productUpdates.values()])],
      );
    }
    if (variantUpdates.length) {
      await m.query(
        `UPDATE variants v SET sku = x.sku, barcode = x.barcode, title = x.title, price = x.price, currency = x.currency, compare_at_price = x.compare_at_price,
                cost_price = x.cost_price, options = x.options, attributes = x.attributes, weight_grams = x.weight_grams, updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, sku text, barcode text, title text, price numeric, currency text, compare_at_price numeric,
                cost_price numeric, options jsonb, attributes jsonb, weight_grams int)
          WHERE v.id = x.id AND v.tenant_id = $1`,
        [t, JSON.stringify(variantUpdates)],
      );
    }
    const touched = [...variantProducts].filter((id) => !productUpdates.has(id));
    if (touched.length) await m.query(`UPDATE products SET updated_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [t, touched]);
    if (mediaReplace.size) {
      const fresh = new Set(newProducts.map((p) => p.id as string));
      const ids = [...mediaReplace.keys()].filter((id) => !fresh.has(id));
      if (ids.length) await m.query(`DELETE FROM media WHERE tenant_id = $1 AND product_id = ANY($2::uuid[]) AND variant_id IS NULL`, [t, ids]);
      const media = [...mediaReplace.entries()].flatMap(([pid, urls]) => urls.map((url, i) => ({ product_id: pid, url, sort_order: i })));
      if (media.length) {
        await m.query(
          `INSERT INTO media (tenant_id, product_id, url, sort_order) SELECT $1, x.product_id, x.url, x.sort_order
             FROM jsonb_to_recordset($2::jsonb) AS x(product_id uuid, url text, sort_order int)`,
          [t, JSON.stringify(media)],
        );
      }
    }
    if (items.length) {
      await m.query(
        `INSERT INTO supplier_items (supplier_id, variant_id, tenant_id, product_id, group_key, last_run_id, stock, row_hash, applied_at)
         SELECT $1, x.variant_id, $2, x.product_id, x.group_key, $3, x.stock, x.row_hash, now()
           FROM jsonb_to_recordset($4::jsonb) AS x(variant_id uuid, product_id uuid, group_key text, stock int, row_hash uuid)
         ON CONFLICT (supplier_id, variant_id) DO UPDATE SET last_run_id = EXCLUDED.last_run_id, product_id = EXCLUDED.product_id,
                group_key = COALESCE(EXCLUDED.group_key, supplier_items.group_key), stock = COALESCE(EXCLUDED.stock, supplier_items.stock),
                row_hash = EXCLUDED.row_hash, applied_at = EXCLUDED.applied_at, updated_at = now()`,
        [supplier.id, t, run.id, JSON.stringify(items)],
      );
    }
    // on hand follows the supplier's figure when that figure is new or moved (not when orders moved on hand)
    const stocked = items.filter((x) => x.stock !== null && x.set_stock) as { variant_id: string; stock: number }[];
    if (stocked.length) await this.setStock(m, ctx, run, stocked);
    if (audit.length || events.length) await this.changes.record(m, ctx, { audit, events });
    return { created, updated, unchanged, errors };
  }

  /**
   * The supplier's stock figures become the variants' on-hand at the tenant's default location,
   * through the inventory module's one write primitive inside the batch's transaction: movement rows
   * (kind `set`, reference = the run), stock.low, and the push of available stock to every channel.
   * Units already reserved by pending orders are kept (on hand never drops below reserved), so an
   * import never makes available negative nor fails a batch on a short line.
   */
  private async setStock(m: EntityManager, ctx: TenantContext, run: SupplierRun, rows: { variant_id: string; stock: number }[]): Promise<void> {
    const loc = await this.inventory.defaultLocationId(ctx.tenantId, m);
    const ids = [...new Set(rows.map((r) => r.variant_id))].sort();
    await m.query(
      `INSERT INTO inventory_levels (tenant_id, variant_id, location_id)
       SELECT $1, v.id, $2 FROM variants v WHERE v.tenant_id = $1 AND v.id = ANY($3::uuid[]) ON CONFLICT DO NOTHING`,
      [ctx.tenantId, loc, ids],
    );
    const current: { variant_id: string; on_hand: number; reserved: number }[] = await m.query(
      `SELECT variant_id, on_hand, reserved FROM inventory_levels WHERE tenant_id = $1 AND location_id = $2 AND variant_id = ANY($3::uuid[]) ORDER BY variant_id FOR UPDATE`,
      [ctx.tenantId, loc, ids],
    );
    const target = new Map(rows.map((r) => [r.variant_id, Math.max(0, r.stock)]));
    const deltas: StockDelta[] = [];
    for (const c of current) {
      const want = Math.max(target.get(c.variant_id) ?? c.on_hand, c.reserved);
      if (want !== c.on_hand) deltas.push({ variantId: c.variant_id, onHand: want - c.on_hand, reserved: 0 });
    }
    if (deltas.length) await this.inventory.apply(m, ctx, loc, deltas, { kind: 'set', reason: 'supplier import', reference: run.id });
  }

  // ------------------------------------------------------------------ on_missing

  /** Items of this supplier the run did not list: archive their products, or set their stock to zero. */
  private async handleMissing(supplier: Supplier, run: SupplierRun): Promise<void> {
    const ctx = this.context(supplier, run);
    const keyCol = supplier.matchOn === 'sku' ? 'sku' : 'barcode';
    for (;;) {
      const done = await this.db.transaction(async (m) => {
        const [state]: { status: string; missing_cursor: string | null; missing_done: boolean }[] = await m.query(
          `SELECT status, missing_cursor, missing_done FROM supplier_runs WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
          [run.id, supplier.tenantId],
        );
        if (!state || state.status !== 'applying' || state.missing_done) return true;
        await m.query(`SET LOCAL jit = off`); // see apply
        // listed = its key is among this run's staged rows (kept until the run completes)
        const batch: { variant_id: string; product_id: string }[] = await m.query(
          `SELECT si.variant_id, si.product_id FROM supplier_items si JOIN variants v ON v.id = si.variant_id
            WHERE si.supplier_id = $1 AND si.tenant_id = $2 AND ($4::uuid IS NULL OR si.variant_id > $4::uuid)
              AND NOT EXISTS (SELECT 1 FROM supplier_staging st WHERE st.run_id = $3 AND st.match_key = v.${keyCol})
            ORDER BY si.variant_id LIMIT ${SUPPLIER_BATCH}`,
          [supplier.id, supplier.tenantId, run.id, state.missing_cursor],
        );
        if (!batch.length) {
          await m.query(`UPDATE supplier_runs SET missing_done = true, updated_at = now() WHERE id = $1`, [run.id]);
          return true;
        }
        const variantIds = batch.map((b) => b.variant_id);
        let handled = 0;
        const audit: AuditEntry[] = [];
        const events: { type: string; data: Json }[] = [];
        if (supplier.onMissing === 'archive') {
          // a product is archived when none of this supplier's variants of it were in the run
          const archived = await queryRows<{ id: string; status: string }>(
            m,
            `WITH o AS (SELECT p.id, p.status FROM products p
                         WHERE p.tenant_id = $1 AND p.id = ANY($2::uuid[]) AND p.status <> 'ARCHIVED'
                           AND NOT EXISTS (SELECT 1 FROM supplier_items s JOIN variants v2 ON v2.id = s.variant_id
                                            JOIN supplier_staging st ON st.run_id = $4 AND st.match_key = v2.${keyCol}
                                           WHERE s.supplier_id = $3 AND s.product_id = p.id)
                         FOR UPDATE)
             UPDATE products p SET status = 'ARCHIVED', updated_at = now() FROM o WHERE p.id = o.id RETURNING p.id, o.status`,
            [supplier.tenantId, [...new Set(batch.map((b) => b.product_id))], supplier.id, run.id],
          );
          for (const a of archived) {
            audit.push({ action: 'product.updated', resourceType: 'product', resourceId: a.id, before: { status: a.status }, after: { status: 'ARCHIVED' } });
            events.push({ type: 'product.updated', data: { product_id: a.id, changed_fields: ['status'], supplier_id: supplier.id, supplier_run_id: run.id } });
          }
          handled = batch.filter((b) => archived.some((a) => a.id === b.product_id)).length;
        } else {
          await m.query(`UPDATE supplier_items SET stock = 0, updated_at = now() WHERE supplier_id = $1 AND variant_id = ANY($2::uuid[]) AND stock IS DISTINCT FROM 0`, [
            supplier.id,
            variantIds,
          ]);
          const zeroed = await queryRows<{ id: string; product_id: string }>(
            m,
            `UPDATE variants SET attributes = attributes || '{"availability": "out_of_stock"}'::jsonb, updated_at = now()
              WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND attributes->>'availability' IS DISTINCT FROM 'out_of_stock' RETURNING id, product_id`,
            [supplier.tenantId, variantIds],
          );
          await this.setStock(m, ctx, run, variantIds.map((id) => ({ variant_id: id, stock: 0 })));
          for (const z of zeroed) {
            audit.push({ action: 'product.updated', resourceType: 'product', resourceId: z.product_id, before: { variant: { id: z.id, stock: null } }, after: { variant: { id: z.id, stock: 0 } } });
            events.push({ type: 'variant.updated', data: { product_id: z.product_id, variant_id: z.id, changed_fields: ['attributes.availability'] } });
          }
          for (const pid of new Set(zeroed.map((z) => z.product_id))) {
            events.push({ type: 'product.updated', data: { product_id: pid, changed_fields: ['variants.attributes'], supplier_id: supplier.id, supplier_run_id: run.id } });
          }
          if (zeroed.length) await m.query(`UPDATE products SET updated_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [supplier.tenantId, [...new Set(zeroed.map((z) => z.product_id))]]);
          handled = zeroed.length;
        }
        if (audit.length || events.length) await this.changes.record(m, ctx, { audit, events });
        await m.query(`UPDATE supplier_runs SET missing_cursor = $2, missing_handled = missing_handled + $3, updated_at = now() WHERE id = $1`, [
          run.id,
          variantIds[variantIds.length - 1],
          handled,
        ]);
        return false;
      });
      if (done) break;
    }
  }

  private async complete(supplier: Supplier, run: SupplierRun): Promise<void> {
    const file = await this.db.transaction(async (m) => {
      const rows = await queryRows<{ upload_file: string | null }>(
        m,
        `UPDATE supplier_runs SET status = 'completed', finished_at = now(), updated_at = now() WHERE id = $1 AND tenant_id = $2 AND status = 'applying' RETURNING upload_file`,
        [run.id, supplier.tenantId],
      );
      if (!rows.length) return null;
      await m.query(`UPDATE suppliers SET last_run_id = $2 WHERE id = $1 AND tenant_id = $3`, [supplier.id, run.id, supplier.tenantId]);
      await m.query(`DELETE FROM supplier_staging WHERE run_id = $1`, [run.id]);
      return rows[0].upload_file;
    });
    if (file) await unlink(file).catch(() => undefined);
  }
}
