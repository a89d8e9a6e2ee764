import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { Params } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { CatalogExport } from '@synq/database';
import { OutboxService } from '@synq/events';
import { csvLine } from './csv';
import { PRODUCT_JSON_SELECT, ProductFilter, ProductJsonRow, productWhere, ProductView } from './product-query';

/** Products per FETCH from the export cursor (one batch in memory at a time). */
const FETCH_ROWS = 1000;
/** Progress is written every this many products. */
const PROGRESS_EVERY = 10_000;

export const EXPORT_CSV_COLUMNS = [
  'product_id',
  'handle',
  'title',
  'description',
  'status',
  'category',
  'brand_id',
  'template_id',
  'product_attributes',
  'variant_id',
  'sku',
  'barcode',
  'variant_title',
  'price',
  'currency',
  'compare_at_price',
  'cost_price',
  'options',
  'variant_attributes',
  'weight_grams',
  'image_urls',
  'created_at',
  'updated_at',
];

export function exportFilePath(storageDir: string, tenantId: string, exportId: string, format: string): string {
  return resolve(join(storageDir, 'exports', tenantId, `${exportId}.${format}`));
}

export function filtersFromJson(f: Record<string, unknown>): ProductFilter {
  return {
    status: f.status as ProductFilter['status'],
    category: typeof f.category === 'string' ? f.category : undefined,
    brandId: typeof f.brand_id === 'string' ? f.brand_id : undefined,
    q: typeof f.q === 'string' ? f.q : undefined,
    updatedSince: typeof f.updated_since === 'string' ? new Date(f.updated_since) : undefined,
  };
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/**
 * Streams a tenant's catalog into a CSV (one row per variant) or JSONL (one product per line) file
 * from one server-side cursor, a batch at a time, so memory stays flat whatever the catalog size. Re-running a job
 * rewrites the file from scratch (idempotent).
 */
@Injectable()
export class CatalogExportRunner {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
  ) {}

  async run(tenantId: string, exportId: string): Promise<void> {
    const repo = this.db.getRepository(CatalogExport);
    const job = await repo.findOne({ where: { id: exportId, tenantId } });
    if (!job || job.status === 'completed') return;
    const filter = filtersFromJson(job.filters);

    const countParams = new Params();
    const [{ n }]: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM products p WHERE ${productWhere(countParams, tenantId, filter)}`,
      countParams.values,
    );
    await repo.update({ id: exportId, tenantId }, { status: 'running', startedAt: new Date(), totalProducts: n, progress: 0, rowCount: 0, error: null });

    const finalPath = exportFilePath(this.config.storageDir, tenantId, exportId, job.format);
    const tmpPath = `${finalPath}.part`;
    await mkdir(join(this.config.storageDir, 'exports', tenantId), { recursive: true });
    const out = createWriteStream(tmpPath);
    let rows = 0;
    let products = 0;
    try {
      if (job.format === 'csv') await write(out, csvLine(EXPORT_CSV_COLUMNS));
      // One server-side cursor over the whole selection, read FETCH_ROWS at a time: PostgreSQL plans
      // and starts the ordered scan once (repeated keyset pages paid the plan and a cold index
      // descent per page) and the worker holds one batch at a time, so memory stays flat.
      const qr = this.db.createQueryRunner();
      await qr.connect();
      try {
        await qr.startTransaction('REPEATABLE READ');
        const p = new Params();
        const where = productWhere(p, tenantId, filter);
        await qr.query(`DECLARE catalog_export NO SCROLL CURSOR FOR ${PRODUCT_JSON_SELECT} WHERE ${where} ORDER BY p.created_at, p.id`, p.values);
        let reported = 0;
        for (;;) {
          const page: ProductJsonRow[] = await qr.query(`FETCH ${FETCH_ROWS} FROM catalog_export`);
          if (!page.length) break;
          let chunk = '';
          for (const row of page) {
            if (job.format === 'jsonl') {
              chunk += `${row.json}\n`;
              rows++;
            } else {
              const view = JSON.parse(row.json) as ProductView;
              const images = view.media.filter((m) => !m.variant_id).map((m) => m.url).join('|');
              const head = [view.id, view.handle, view.title, view.description, view.status, view.category, view.brand_id, view.template_id, view.attributes];
              const tail = [images, view.created_at, view.updated_at];
              const variants = view.variants.length ? view.variants : [null];
              for (const v of variants) {
                chunk += csvLine([
                  ...head,
                  v?.id,
                  v?.sku,
                  v?.barcode,
                  v?.title,
                  v?.price,
                  v?.currency,
                  v?.compare_at_price,
                  v?.cost_price,
                  v ? v.options : null,
                  v ? v.attributes : null,
                  v?.weight_grams,
                  ...tail,
                ]);
                rows++;
              }
            }
          }
          await write(out, chunk);
          products += page.length;
          if (products - reported >= PROGRESS_EVERY || page.length < FETCH_ROWS) {
            reported = products;
            await repo.update({ id: exportId, tenantId }, { progress: n ? Math.min(99, Math.floor((products * 100) / n)) : 99, rowCount: rows });
          }
          if (page.length < FETCH_ROWS) break;
        }
        await qr.query('CLOSE catalog_export');
        await qr.commitTransaction();
      } catch (err) {
        if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await qr.release();
      }
      out.end();
      await once(out, 'finish');
      await rename(tmpPath, finalPath);
    } catch (err) {
      out.destroy();
      await unlink(tmpPath).catch(() => undefined);
      throw err;
    }
    const size = (await stat(finalPath)).size;
    await this.db.transaction(async (m) => {
      await m.getRepository(CatalogExport).update(
        { id: exportId, tenantId },
        { status: 'completed', progress: 100, rowCount: rows, filePath: finalPath, fileSize: String(size), completedAt: new Date() },
      );
      await this.outbox.emit(m, tenantId, 'export.completed', { export_id: exportId, format: job.format, row_count: rows, products });
    });
  }

  async markFailed(tenantId: string, exportId: string, message: string): Promise<void> {
    await this.db.getRepository(CatalogExport).update({ id: exportId, tenantId }, { status: 'failed', error: message.slice(0, 2000), completedAt: new Date() });
  }
}
