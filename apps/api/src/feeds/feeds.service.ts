import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { unlink } from 'node:fs/promises';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { Feed, isUniqueViolation } from '@synq/database';
import { OutboxService } from '@synq/events';
import { FeedGenerator, FeedRule, validateRules } from '@synq/feeds';
import { CreateFeedDto, UpdateFeedDto } from './dto/feed.dto';
import { FeedSlugTakenError } from './feeds.errors';

/** Fields whose change makes a stored file stale. */
const CONFIG_FIELDS = ['format', 'template', 'filters', 'currency', 'link_template', 'image_fallback', 'rules', 'name', 'slug'] as const;

@Injectable()
export class FeedsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly generator: FeedGenerator,
  ) {}

  view(f: Feed) {
    return {
      id: f.id,
      name: f.name,
      slug: f.slug,
      format: f.format,
      template: f.template,
      filters: f.filters,
      currency: f.currency,
      link_template: f.linkTemplate,
      image_fallback: f.imageFallback,
      rules: f.rules,
      published: f.published,
      public_url: `${this.config.publicBaseUrl.replace(/\/$/, '')}/api/public/feeds/${f.slug}`,
      generated_at: f.generatedAt?.toISOString() ?? null,
      item_count: f.itemCount,
      excluded_count: f.excludedCount,
      generation_count: f.generationCount,
      generation_error: f.generationError,
      created_at: f.createdAt.toISOString(),
      updated_at: f.updatedAt.toISOString(),
    };
  }

  private check(dto: UpdateFeedDto): void {
    const errors = dto.rules !== undefined ? validateRules(dto.rules) : [];
    if (dto.link_template !== undefined) {
      try {
        const u = new URL(dto.link_template.replace(/\{(handle|sku|id|variant_id)\}/g, 'x'));
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      } catch {
        errors.push({ field: 'link_template', message: 'link_template must be an http(s) URL (placeholders {handle} {sku} {id} {variant_id})' });
      }
    }
    const f = dto.filters;
    if (f?.price_min !== undefined && f.price_max !== undefined && f.price_min > f.price_max) {
      errors.push({ field: 'filters.price_min', message: 'filters.price_min must not exceed filters.price_max' });
    }
    if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors.map((e) => ({ field: e.field, message: e.message })));
  }

  private async find(m: EntityManager, ctx: TenantContext, id: string): Promise<Feed> {
    const f = await m.getRepository(Feed).findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!f) throw new NotFoundError('Feed', id);
    return f;
  }

  async get(ctx: TenantContext, id: string): Promise<Feed> {
    return this.find(this.db.manager, ctx, id);
  }

  async list(ctx: TenantContext, limit: number, cursor?: string): Promise<Page<ReturnType<FeedsService['view']>>> {
    const p = new Params();
    const ids: { id: string; created_at_ts: Date }[] = await this.db.query(
      `SELECT f.id, f.created_at AS created_at_ts FROM feeds f WHERE f.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, 'f', cursor)}
        ORDER BY f.created_at, f.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const feeds = ids.length ? await this.db.getRepository(Feed).createQueryBuilder('f').where('f.id IN (:...ids)', { ids: ids.map((r) => r.id) }).getMany() : [];
    const byId = new Map(feeds.map((f) => [f.id, f]));
    return rowsToPage(ids, limit, (r) => this.view(byId.get(r.id)!));
  }

  /** Counts for status pages (`/api/sync/status`). */
  async count(ctx: TenantContext): Promise<{ feeds: number; published: number }> {
    const [r]: { feeds: number; published: number }[] = await this.db.query(
      `SELECT count(*)::int AS feeds, count(*) FILTER (WHERE published)::int AS published FROM feeds WHERE tenant_id = $1`,
      [ctx.tenantId],
    );
    return r;
  }

  async create(ctx: TenantContext, dto: CreateFeedDto) {
    this.check(dto);
    const feed = await this.translate(dto.slug, () =>
      this.db.transaction(async (m) => {
        const repo = m.getRepository(Feed);
        const row = await repo.save(
          repo.create({
            tenantId: ctx.tenantId,
            orgId: ctx.orgId,
            name: dto.name,
            slug: dto.slug,
            format: dto.format ?? 'xml',
            template: dto.template ?? 'google_shopping',
            filters: { ...(dto.filters ?? {}) },
            currency: dto.currency ?? null,
            linkTemplate: dto.link_template,
            imageFallback: dto.image_fallback ?? null,
            rules: (dto.rules ?? []) as unknown[],
            published: dto.published ?? false,
          }),
        );
        await this.audit.record(m, ctx, { action: 'feed.created', resourceType: 'feed', resourceId: row.id, after: this.auditable(row) });
        if (row.published) await this.outbox.enqueue(m, ctx.tenantId, { name: 'feed.generate', data: { tenantId: ctx.tenantId, feedId: row.id } });
        return row;
      }),
    );
    return this.view(feed);
  }

  async update(ctx: TenantContext, id: string, dto: UpdateFeedDto) {
    this.check(dto);
    const feed = await this.translate(dto.slug, () =>
      this.db.transaction(async (m) => {
        const repo = m.getRepository(Feed);
        const before = await m.getRepository(Feed).createQueryBuilder('f').setLock('pessimistic_write').where('f.id = :id AND f.tenant_id = :t', { id, t: ctx.tenantId }).getOne();
        if (!before) throw new NotFoundError('Feed', id);
        const after = repo.create({ ...before });
        if (dto.name !== undefined) after.name = dto.name;
        if (dto.slug !== undefined) after.slug = dto.slug;
        if (dto.format !== undefined) after.format = dto.format;
        if (dto.template !== undefined) after.template = dto.template;
        if (dto.filters !== undefined) after.filters = { ...dto.filters };
        if (dto.currency !== undefined) after.currency = dto.currency;
        if (dto.link_template !== undefined) after.linkTemplate = dto.link_template;
        if (dto.image_fallback !== undefined) after.imageFallback = dto.image_fallback;
        if (dto.rules !== undefined) after.rules = dto.rules as unknown[];
        if (dto.published !== undefined) after.published = dto.published;
        const a = this.auditable(after);
        const b = this.auditable(before);
        const configChanged = CONFIG_FIELDS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
        if (configChanged) after.configVersion = before.configVersion + 1;
        if (!configChanged && a.published === b.published) return before;
        const saved = await repo.save(after);
        await this.audit.record(m, ctx, { action: 'feed.updated', resourceType: 'feed', resourceId: id, before: b, after: a });
        if (saved.published && (configChanged || !before.published)) {
          await this.outbox.enqueue(m, ctx.tenantId, { name: 'feed.generate', data: { tenantId: ctx.tenantId, feedId: id } });
        }
        return saved;
      }),
    );
    return this.view(feed);
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    const file = await this.db.transaction(async (m) => {
      const f = await this.find(m, ctx, id);
      await m.getRepository(Feed).delete({ id, tenantId: ctx.tenantId });
      await this.audit.record(m, ctx, { action: 'feed.deleted', resourceType: 'feed', resourceId: id, before: this.auditable(f) });
      return f.generatedFile;
    });
    if (file) await unlink(file).catch(() => undefined);
  }

  /** Queues a generation now (the public URL then serves the new file). */
  async requestGeneration(ctx: TenantContext, id: string) {
    await this.db.transaction(async (m) => {
      await this.find(m, ctx, id);
      await this.audit.record(m, ctx, { action: 'feed.generation_requested', resourceType: 'feed', resourceId: id });
      await this.outbox.enqueue(m, ctx.tenantId, { name: 'feed.generate', data: { tenantId: ctx.tenantId, feedId: id, force: true } });
    });
    return { status: 'queued', feed_id: id };
  }

  async preview(ctx: TenantContext, id: string, limit: number) {
    const feed = await this.get(ctx, id);
    const outcomes = await this.generator.preview(feed, limit);
    return {
      feed_id: id,
      items: outcomes.map((o) => ({
        variant_id: o.row.variant_id,
        product_id: o.row.product_id,
        before: o.before,
        after: o.after,
        changes: o.trace,
        included: !o.reasons.length && !o.filtered,
        reasons: o.reasons,
      })),
    };
  }

  async report(ctx: TenantContext, id: string) {
    const feed = await this.get(ctx, id);
    return {
      feed_id: id,
      generated_at: feed.generatedAt?.toISOString() ?? null,
      item_count: feed.itemCount,
      excluded_count: feed.excludedCount,
      reasons: feed.report.reasons ?? {},
      items: feed.report.items ?? [],
      truncated: !!feed.report.truncated,
      generation_error: feed.generationError,
    };
  }

  private auditable(f: Feed): Record<string, unknown> {
    return {
      name: f.name,
      slug: f.slug,
      format: f.format,
      template: f.template,
      filters: f.filters,
      currency: f.currency,
      link_template: f.linkTemplate,
      image_fallback: f.imageFallback,
      rules: f.rules as FeedRule[],
      published: f.published,
    };
  }

  private async translate<T>(slug: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (slug && isUniqueViolation(err, 'uq_feeds_slug')) throw new FeedSlugTakenError(slug);
      throw err;
    }
  }
}
