import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { decodeCursor, DomainError, ErrorDetail, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { Supplier, SupplierMappingEntry, SupplierRun } from '@synq/database';
import { nextRunAt, parseCron, SupplierAuth, SupplierImporter, SupplierRunQueue, validateMapping } from '@synq/feeds';
import { assertSafeTarget, UnsafeTargetError } from '@synq/http';
import { CreateSupplierDto, UpdateSupplierDto } from './dto/supplier.dto';
import { SupplierHasNoUrlError, SupplierRunInProgressError } from './suppliers.errors';

class PayloadTooLargeError extends DomainError {
  constructor(limit: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The file is larger than the ${Math.round(limit / 1024 / 1024)} MB limit`);
  }
}

@Injectable()
export class SuppliersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly runs: SupplierRunQueue,
    private readonly importer: SupplierImporter,
  ) {}

  view(s: Supplier) {
    return {
      id: s.id,
      name: s.name,
      url: s.url,
      auth: s.authType ? { type: s.authType } : null,
      format: s.format,
      item_path: s.itemPath,
      mapping: s.mapping,
      match_on: s.matchOn,
      on_missing: s.onMissing,
      currency: s.currency,
      schedule: s.schedule,
      next_run_at: s.nextRunAt?.toISOString() ?? null,
      enabled: s.enabled,
      last_run_id: s.lastRunId,
      created_at: s.createdAt.toISOString(),
      updated_at: s.updatedAt.toISOString(),
    };
  }

  runView(r: SupplierRun, withErrors: boolean) {
    return {
      id: r.id,
      supplier_id: r.supplierId,
      trigger: r.trigger,
      status: r.status,
      bytes: Number(r.bytes),
      rows_total: r.rowsTotal,
      rows_staged: r.rowsStaged,
      rows_applied: r.rowsApplied,
      created: r.created,
      updated: r.updated,
      unchanged: r.unchanged,
      failed: r.failed,
      missing_handled: r.missingHandled,
      error: r.error,
      ...(withErrors ? { errors: r.errors } : {}),
      started_at: r.startedAt?.toISOString() ?? null,
      finished_at: r.finishedAt?.toISOString() ?? null,
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    };
  }

  /** Checks what the DTO cannot: the URL's target, the mapping, the schedule. */
  private async check(dto: UpdateSupplierDto, matchOn: 'sku' | 'barcode', mapping: SupplierMappingEntry[] | undefined): Promise<void> {
    const errors: ErrorDetail[] = [];
    if (dto.url) {
      try {
        await assertSafeTarget(dto.url, { allowPrivate: this.config.allowPrivateNetworkTargets, allowHttp: this.config.supplierAllowHttp });
      } catch (err) {
        if (!(err instanceof UnsafeTargetError)) throw err;
        errors.push({ field: 'url', message: `url is not allowed: ${err.message}` });
      }
    }
    if (mapping) errors.push(...validateMapping(mapping, matchOn));
    const s = dto.schedule;
    if (s) {
      if ((s.interval_minutes === undefined) === (s.cron === undefined)) errors.push({ field: 'schedule', message: 'schedule needs exactly one of interval_minutes and cron' });
      if (s.cron !== undefined) {
        try {
          parseCron(s.cron);
        } catch (e) {
          errors.push({ field: 'schedule.cron', message: (e as Error).message });
        }
      }
    }
    if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
  }

  private async find(m: EntityManager, ctx: TenantContext, id: string, lock = false): Promise<Supplier> {
    const qb = m.getRepository(Supplier).createQueryBuilder('s').where('s.id = :id AND s.tenant_id = :t', { id, t: ctx.tenantId });
    if (lock) qb.setLock('pessimistic_write');
    const s = await qb.getOne();
    if (!s) throw new NotFoundError('Supplier', id);
    return s;
  }

  async get(ctx: TenantContext, id: string) {
    return this.view(await this.find(this.db.manager, ctx, id));
  }

  async list(ctx: TenantContext, limit: number, cursor?: string): Promise<Page<ReturnType<SuppliersService['view']>>> {
    const p = new Params();
    const ids: { id: string; created_at_ts: Date }[] = await this.db.query(
      `SELECT s.id, s.created_at AS created_at_ts FROM suppliers s WHERE s.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, 's', cursor)}
        ORDER BY s.created_at, s.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const rows = ids.length ? await this.db.getRepository(Supplier).createQueryBuilder('s').where('s.tenant_id = :t AND s.id IN (:...ids)', { t: ctx.tenantId, ids: ids.map((r) => r.id) }).getMany() : [];
    const byId = new Map(rows.map((s) => [s.id, s]));
    return rowsToPage(ids, limit, (r) => this.view(byId.get(r.id)!));
  }

  /** For status pages (`/api/sync/status` counts suppliers). */
  async count(ctx: TenantContext): Promise<number> {
    const [r]: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM suppliers WHERE tenant_id = $1`, [ctx.tenantId]);
    return r.n;
  }

  async create(ctx: TenantContext, dto: CreateSupplierDto) {
    const matchOn = dto.match_on ?? 'sku';
    const mapping = dto.mapping as unknown as SupplierMappingEntry[];
    await this.check(dto, matchOn, mapping);
    const saved = await this.db.transaction(async (m) => {
      const repo = m.getRepository(Supplier);
      const row = await repo.save(
        repo.create({
          tenantId: ctx.tenantId,
          orgId: ctx.orgId,
          name: dto.name,
          url: dto.url ?? null,
          authType: dto.auth?.type ?? null,
          authSealed: dto.auth ? this.importer.sealAuth(dto.auth as SupplierAuth) : null,
          format: dto.format,
          itemPath: dto.item_path ?? null,
          mapping,
          matchOn,
          onMissing: dto.on_missing ?? 'keep',
          currency: dto.currency ?? null,
          schedule: dto.schedule ? { ...dto.schedule } : null,
          nextRunAt: dto.enabled === false ? null : nextRunAt(dto.schedule, new Date()),
          enabled: dto.enabled ?? true,
        }),
      );
      await this.audit.record(m, ctx, { action: 'supplier.created', resourceType: 'supplier', resourceId: row.id, after: this.auditable(row) });
      return row;
    });
    return this.view(saved);
  }

  async update(ctx: TenantContext, id: string, dto: UpdateSupplierDto) {
    const saved = await this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      const matchOn = dto.match_on ?? before.matchOn;
      const mapping = (dto.mapping as unknown as SupplierMappingEntry[] | undefined) ?? before.mapping;
      await this.check(dto, matchOn, dto.mapping !== undefined || dto.match_on !== undefined ? mapping : undefined);
      const after = m.getRepository(Supplier).create({ ...before });
      if (dto.name !== undefined) after.name = dto.name;
      if (dto.url !== undefined) after.url = dto.url;
      if (dto.auth !== undefined) {
        after.authType = dto.auth?.type ?? null;
        after.authSealed = dto.auth ? this.importer.sealAuth(dto.auth as SupplierAuth) : null;
      }
      if (dto.format !== undefined) after.format = dto.format;
      if (dto.item_path !== undefined) after.itemPath = dto.item_path;
      after.mapping = mapping;
      after.matchOn = matchOn;
      if (dto.on_missing !== undefined) after.onMissing = dto.on_missing;
      if (dto.currency !== undefined) after.currency = dto.currency;
      if (dto.schedule !== undefined) after.schedule = dto.schedule ? { ...dto.schedule } : null;
      if (dto.enabled !== undefined) after.enabled = dto.enabled;
      if (dto.schedule !== undefined || dto.enabled !== undefined) after.nextRunAt = after.enabled ? nextRunAt(after.schedule, new Date()) : null;
      const row = await m.getRepository(Supplier).save(after);
      await this.audit.record(m, ctx, { action: 'supplier.updated', resourceType: 'supplier', resourceId: id, before: this.auditable(before), after: this.auditable(row) });
      return row;
    });
    return this.view(saved);
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const s = await this.find(m, ctx, id, true);
      await m.getRepository(Supplier).delete({ id, tenantId: ctx.tenantId });
      await this.audit.record(m, ctx, { action: 'supplier.deleted', resourceType: 'supplier', resourceId: id, before: this.auditable(s) });
    });
  }

  async runNow(ctx: TenantContext, id: string) {
    const runId = await this.db.transaction(async (m) => {
      const s = await this.find(m, ctx, id, true);
      if (!s.url) throw new SupplierHasNoUrlError();
      const run = await this.runs.queue(m, ctx.tenantId, id, 'manual');
      if (!run) throw new SupplierRunInProgressError();
      await this.audit.record(m, ctx, { action: 'supplier.run_requested', resourceType: 'supplier', resourceId: id, after: { run_id: run } });
      return run;
    });
    return { status: 'queued', supplier_id: id, run_id: runId };
  }

  /** Stores an uploaded file (the raw request body) and queues a run that imports it instead of the URL. */
  async upload(ctx: TenantContext, id: string, body: Buffer | undefined, stream: Readable) {
    await this.find(this.db.manager, ctx, id);
    const dir = resolve(join(this.config.storageDir, 'supplier-uploads', ctx.tenantId));
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${randomUUID()}.upload`);
    const limit = this.config.bodyLimitBytes;
    if (body) await writeFile(file, body);
    else {
      let seen = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _e, cb) {
          seen += chunk.length;
          cb(seen > limit ? new PayloadTooLargeError(limit) : null, chunk);
        },
      });
      try {
        await pipeline(stream, cap, createWriteStream(file));
      } catch (err) {
        await unlink(file).catch(() => undefined);
        throw err;
      }
      body = Buffer.alloc(seen);
    }
    if (!body.length) {
      await unlink(file).catch(() => undefined);
      throw new ValidationFailedError('The request body is empty: send the file as the body', [{ field: 'body', message: 'file is empty' }]);
    }
    try {
      const runId = await this.db.transaction(async (m) => {
        await this.find(m, ctx, id, true);
        const run = await this.runs.queue(m, ctx.tenantId, id, 'upload', file);
        if (!run) throw new SupplierRunInProgressError();
        await this.audit.record(m, ctx, { action: 'supplier.file_uploaded', resourceType: 'supplier', resourceId: id, after: { run_id: run, bytes: body!.length } });
        return run;
      });
      return { status: 'queued', supplier_id: id, run_id: runId };
    } catch (err) {
      await unlink(file).catch(() => undefined);
      throw err;
    }
  }

  async listRuns(ctx: TenantContext, id: string, limit: number, cursor?: string) {
    await this.find(this.db.manager, ctx, id);
    const p = new Params();
    // newest first
    const where = `r.tenant_id = ${p.add(ctx.tenantId)} AND r.supplier_id = ${p.add(id)}`;
    const c = decodeCursor(cursor);
    const after = c ? ` AND (r.created_at, r.id) < (${p.add(c.createdAt)}::timestamptz, ${p.add(c.id)}::uuid)` : '';
    const ids: { id: string; created_at_ts: Date }[] = await this.db.query(
      `SELECT r.id, r.created_at AS created_at_ts FROM supplier_runs r WHERE ${where}${after} ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const rows = ids.length ? await this.db.getRepository(SupplierRun).createQueryBuilder('r').where('r.tenant_id = :t AND r.id IN (:...ids)', { t: ctx.tenantId, ids: ids.map((r) => r.id) }).getMany() : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return rowsToPage(ids, limit, (r) => this.runView(byId.get(r.id)!, false));
  }

  async getRun(ctx: TenantContext, id: string, runId: string) {
    const r = await this.db.getRepository(SupplierRun).findOne({ where: { id: runId, supplierId: id, tenantId: ctx.tenantId } });
    if (!r) throw new NotFoundError('Supplier run', runId);
    return this.runView(r, true);
  }

  private auditable(s: Supplier): Record<string, unknown> {
    return {
      name: s.name,
      url: s.url,
      auth_type: s.authType,
      format: s.format,
      item_path: s.itemPath,
      mapping: s.mapping,
      match_on: s.matchOn,
      on_missing: s.onMissing,
      currency: s.currency,
      schedule: s.schedule,
      enabled: s.enabled,
    };
  }
}
