import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createReadStream, ReadStream } from 'node:fs';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { ConflictError, isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { BulkJob, CatalogExport } from '@synq/database';
import { OutboxService } from '@synq/events';
import { checkAttributeValues } from '@synq/pim';
import { CreateBulkJobDto, CreateExportDto } from './dto/jobs.dto';
import { ProductsService } from './products.service';

function exportView(e: CatalogExport) {
  return {
    id: e.id,
    status: e.status,
    format: e.format,
    filters: e.filters,
    progress: e.progress,
    total_products: e.totalProducts,
    row_count: e.rowCount,
    file_size: e.fileSize === null ? null : Number(e.fileSize),
    download_url: e.status === 'completed' ? `/api/v1/pim/exports/${e.id}/download` : null,
    error: e.error,
    created_at: e.createdAt.toISOString(),
    started_at: e.startedAt?.toISOString() ?? null,
    completed_at: e.completedAt?.toISOString() ?? null,
  };
}

interface BulkRow {
  id: string;
  job_type: string;
  status: string;
  payload: Record<string, unknown>;
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  errors: unknown[];
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  created_at_ts: Date;
}

const BULK_SELECT = `SELECT b.id, b.job_type, b.status, b.payload, b.total, b.processed, b.succeeded, b.failed, b.errors, b.error,
  ${isoSql('b.created_at')} AS created_at, ${isoSql('b.started_at')} AS started_at, ${isoSql('b.completed_at')} AS completed_at,
  b.created_at AS created_at_ts FROM bulk_jobs b`;

function bulkView({ created_at_ts: _, ...r }: BulkRow) {
  const progress = r.status === 'completed' ? 100 : r.total ? Math.min(99, Math.floor((r.processed * 100) / r.total)) : 0;
  return { ...r, progress };
}

/** Catalog exports and bulk jobs: recorded with their outbox job in one transaction, run by the worker. */
@Injectable()
export class PimJobsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly products: ProductsService,
  ) {}

  async createExport(ctx: TenantContext, dto: CreateExportDto) {
    const id = await this.db.transaction(async (m) => {
      const row = await m.getRepository(CatalogExport).save(
        m.getRepository(CatalogExport).create({
          tenantId: ctx.tenantId,
          orgId: ctx.orgId,
          requestedBy: ctx.actorId,
          format: dto.format ?? 'csv',
          filters: { ...(dto.filters ?? {}) },
          status: 'queued',
        }),
      );
      await this.audit.record(m, ctx, { action: 'export.requested', resourceType: 'export', resourceId: row.id, after: { format: row.format, filters: row.filters } });
      await this.outbox.enqueue(m, ctx.tenantId, { name: 'pim.export', data: { tenantId: ctx.tenantId, exportId: row.id } });
      return row.id;
    });
    return { status: 'queued', export_id: id };
  }

  async getExport(ctx: TenantContext, id: string) {
    const e = await this.db.getRepository(CatalogExport).findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!e) throw new NotFoundError('Export', id);
    return exportView(e);
  }

  async openExport(ctx: TenantContext, id: string): Promise<{ stream: ReadStream; format: string; size: number }> {
    const e = await this.db.getRepository(CatalogExport).findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!e) throw new NotFoundError('Export', id);
    if (e.status !== 'completed' || !e.filePath) throw new ConflictError(`Export is ${e.status}, not completed`, 'EXPORT_NOT_READY');
    return { stream: createReadStream(e.filePath), format: e.format, size: Number(e.fileSize ?? 0) };
  }

  async createBulkJob(ctx: TenantContext, dto: CreateBulkJobDto) {
    const payload = dto.payload ?? {};
    const changes = ['status', 'category', 'brand_id', 'attributes', 'price_change'].filter((k) => (payload as Record<string, unknown>)[k] !== undefined);
    if (dto.job_type === 'BULK_UPDATE' && !changes.length) {
      throw new ValidationFailedError('A BULK_UPDATE payload must set at least one of status, category, brand_id, attributes, price_change', [
        { field: 'payload', message: 'nothing to update' },
      ]);
    }
    if (dto.job_type === 'BULK_DELETE') {
      if (changes.length) {
        throw new ValidationFailedError(`A BULK_DELETE payload cannot set ${changes.join(', ')}`, changes.map((c) => ({ field: `payload.${c}`, message: 'not allowed in BULK_DELETE' })));
      }
      if (!payload.product_ids && !payload.filter) {
        throw new ValidationFailedError('A BULK_DELETE payload must select products with product_ids or filter', [
          { field: 'payload.product_ids', message: 'select the products to delete' },
        ]);
      }
    }
    if (payload.price_change?.type === 'percent' && (payload.price_change.value < -100 || payload.price_change.value > 1000)) {
      throw new ValidationFailedError('payload.price_change.value must be between -100 and 1000 percent', [{ field: 'payload.price_change.value', message: 'out of range' }]);
    }
    const id = await this.db.transaction(async (m) => {
      if (payload.attributes) {
        const defs = await this.products.attributeDefs(m, ctx, Object.keys(payload.attributes));
        const errors = checkAttributeValues(payload.attributes, defs, 'payload.attributes');
        if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
      }
      if (payload.brand_id) {
        const b = await m.query(`SELECT 1 FROM brands WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, payload.brand_id]);
        if (!b[0]) throw new NotFoundError('Brand', payload.brand_id);
      }
      if (payload.category) {
        const c = await m.query(`SELECT 1 FROM categories WHERE tenant_id = $1 AND slug = $2`, [ctx.tenantId, payload.category]);
        if (!c[0]) throw new NotFoundError('Category', payload.category);
      }
      const row = await m.getRepository(BulkJob).save(
        m.getRepository(BulkJob).create({
          tenantId: ctx.tenantId,
          orgId: ctx.orgId,
          requestedBy: ctx.actorId,
          jobType: dto.job_type,
          payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown>,
          status: 'queued',
        }),
      );
      await this.audit.record(m, ctx, { action: 'bulk_job.created', resourceType: 'bulk_job', resourceId: row.id, after: { job_type: dto.job_type, payload: row.payload } });
      await this.outbox.enqueue(m, ctx.tenantId, { name: 'pim.bulk', data: { tenantId: ctx.tenantId, bulkJobId: row.id } });
      return row.id;
    });
    return { ...(await this.getBulkJob(ctx, id)), status: 'queued' };
  }

  async listBulkJobs(ctx: TenantContext, type: string, limit: number, cursor?: string): Promise<Page<ReturnType<typeof bulkView>>> {
    const p = new Params();
    const rows: BulkRow[] = await this.db.query(
      `${BULK_SELECT} WHERE b.tenant_id = ${p.add(ctx.tenantId)} AND b.job_type = ${p.add(type)}${keysetAfter(p, 'b', cursor)}
        ORDER BY b.created_at, b.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, bulkView);
  }

  async getBulkJob(ctx: TenantContext, id: string) {
    const rows: BulkRow[] = await this.db.query(`${BULK_SELECT} WHERE b.tenant_id = $1 AND b.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Bulk job', id);
    return bulkView(rows[0]);
  }
}
