import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { OutboxService } from '@synq/events';
import { MEDIA_JSON, MediaView } from '@synq/pim';
import { CreateMediaDto, UpdateMediaDto } from './dto/taxonomy.dto';

/** Images and other assets of exactly one product or one variant. A media change is a product change. */
@Injectable()
export class MediaService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async list(ctx: TenantContext, filter: { productId?: string; variantId?: string }, limit: number, cursor?: string): Promise<Page<MediaView>> {
    const p = new Params();
    let where = `m.tenant_id = ${p.add(ctx.tenantId)}`;
    if (filter.productId) where += ` AND m.product_id = ${p.add(filter.productId)}`;
    if (filter.variantId) where += ` AND m.variant_id = ${p.add(filter.variantId)}`;
    // ordered by sort_order within an owner; keyset on (created_at, id) when listing everything
    const order = filter.productId || filter.variantId ? 'm.sort_order, m.created_at, m.id' : 'm.created_at, m.id';
    const keyset = filter.productId || filter.variantId ? '' : keysetAfter(p, 'm', cursor);
    const rows: { v: MediaView; id: string; created_at_ts: Date }[] = await this.db.query(
      `SELECT ${MEDIA_JSON} AS v, m.id, m.created_at AS created_at_ts FROM media m WHERE ${where}${keyset} ORDER BY ${order} LIMIT ${p.add(
        filter.productId || filter.variantId ? 1000 : limit + 1,
      )}`,
      p.values,
    );
    return filter.productId || filter.variantId ? { items: rows.map((r) => r.v) } : rowsToPage(rows, limit, (r) => r.v);
  }

  async get(ctx: TenantContext, id: string, m: EntityManager = this.db.manager): Promise<MediaView> {
    const rows: { v: MediaView }[] = await m.query(`SELECT ${MEDIA_JSON} AS v FROM media m WHERE m.tenant_id = $1 AND m.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Media', id);
    return rows[0].v;
  }

  async create(ctx: TenantContext, dto: CreateMediaDto): Promise<MediaView> {
    if (!!dto.product_id === !!dto.variant_id) {
      throw new ValidationFailedError('Exactly one of product_id and variant_id is required', [
        { field: dto.product_id ? 'variant_id' : 'product_id', message: 'exactly one of product_id and variant_id is required' },
      ]);
    }
    const id = await this.db.transaction(async (m) => {
      const productId = await this.ownerProduct(m, ctx, dto.product_id, dto.variant_id);
      const rows: { id: string }[] = await m.query(
        `INSERT INTO media (tenant_id, product_id, variant_id, url, alt_text, sort_order) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [ctx.tenantId, dto.product_id ?? null, dto.variant_id ?? null, dto.url, dto.alt_text ?? null, dto.sort_order ?? 0],
      );
      await this.changed(m, ctx, productId, rows[0].id, 'media.created', null, { ...dto });
      return rows[0].id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: TenantContext, id: string, dto: UpdateMediaDto): Promise<MediaView> {
    await this.db.transaction(async (m) => {
      const before = await this.lock(m, ctx, id);
      const after = {
        url: dto.url ?? before.url,
        alt_text: dto.alt_text !== undefined ? dto.alt_text : before.alt_text,
        sort_order: dto.sort_order ?? before.sort_order,
      };
      await m.query(`UPDATE media SET url = $3, alt_text = $4, sort_order = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        id,
        after.url,
        after.alt_text,
        after.sort_order,
      ]);
      await this.changed(m, ctx, before.owner_product_id, id, 'media.updated', { url: before.url, alt_text: before.alt_text, sort_order: before.sort_order }, after);
    });
    return this.get(ctx, id);
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const before = await this.lock(m, ctx, id);
      await m.query(`DELETE FROM media WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
      await this.changed(m, ctx, before.owner_product_id, id, 'media.deleted', { url: before.url }, null);
    });
  }

  private async lock(m: EntityManager, ctx: TenantContext, id: string) {
    const rows: { url: string; alt_text: string | null; sort_order: number; owner_product_id: string }[] = await m.query(
      `SELECT m.url, m.alt_text, m.sort_order, COALESCE(m.product_id, v.product_id) AS owner_product_id
         FROM media m LEFT JOIN variants v ON v.id = m.variant_id
        WHERE m.tenant_id = $1 AND m.id = $2 FOR UPDATE OF m`,
      [ctx.tenantId, id],
    );
    if (!rows[0]) throw new NotFoundError('Media', id);
    return rows[0];
  }

  private async ownerProduct(m: EntityManager, ctx: TenantContext, productId?: string, variantId?: string): Promise<string> {
    if (productId) {
      const rows = await m.query(`SELECT id FROM products WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, productId]);
      if (!rows[0]) throw new NotFoundError('Product', productId);
      return productId;
    }
    const rows: { product_id: string }[] = await m.query(`SELECT product_id FROM variants WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, variantId]);
    if (!rows[0]) throw new NotFoundError('Variant', String(variantId));
    return rows[0].product_id;
  }

  private async changed(
    m: EntityManager,
    ctx: TenantContext,
    productId: string,
    mediaId: string,
    action: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    await m.query(`UPDATE products SET updated_at = now() WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, productId]);
    await this.audit.record(m, ctx, { action, resourceType: 'media', resourceId: mediaId, before, after });
    await this.outbox.emit(m, ctx.tenantId, 'product.updated', { product_id: productId, changed_fields: ['media'] });
  }
}
