import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { ErrorDetail, isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { isProductLimitError, isUniqueViolation, prepared, queryRows, Product, Variant } from '@synq/database';
import { ChangeRecorder, OutboxService } from '@synq/events';
import {
  AttributeDefinition,
  AttributeValue,
  checkAttributeValues,
  mergeAttributeValues,
  PRODUCT_JSON,
  PRODUCT_JSON_SELECT,
  ProductFilter,
  ProductJsonRow,
  productWhere,
  ProductView,
  slugify,
  VARIANT_JSON,
  VariantView,
} from '@synq/pim';
import { CreateProductDto, CreateVariantDto, UpdateProductDto, UpdateVariantDto } from './dto/product.dto';
import { ProductLimitError, SkuTakenError } from './pim.errors';

type AttrInput = Record<string, AttributeValue | null>;

/** The fields a partial update actually sets (DTO instances carry every declared key). */
function givenFields(dto: object): string[] {
  return Object.entries(dto)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
}

function money(v: number | null | undefined): string | null | undefined {
  return v === undefined ? undefined : v === null ? null : String(v);
}

/**
 * Products and their variants. Every write is one transaction holding the change, its audit event
 * and its domain events (`product.*`, `variant.*`) in the outbox.
 */
@Injectable()
export class ProductsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly changes: ChangeRecorder,
  ) {}

  // ---------------------------------------------------------------- reads

  /** A page as a JSON array text built by PostgreSQL (sent as is), and the next cursor. */
  async listJson(ctx: TenantContext, filter: ProductFilter, limit: number, cursor?: string): Promise<Page<string>> {
    const params = new Params();
    const where = productWhere(params, ctx.tenantId, filter) + keysetAfter(params, 'p', cursor);
    const rows = await prepared<ProductJsonRow>(this.db, `${PRODUCT_JSON_SELECT} WHERE ${where} ORDER BY p.created_at, p.id LIMIT ${params.add(limit + 1)}`, params.values);
    return rowsToPage(rows, limit, (r) => r.json);
  }

  async getJson(ctx: TenantContext, id: string, m: EntityManager = this.db.manager): Promise<string> {
    const rows = await prepared<ProductJsonRow>(m, `${PRODUCT_JSON_SELECT} WHERE p.tenant_id = $1 AND p.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Product', id);
    return rows[0].json;
  }

  async get(ctx: TenantContext, id: string, m: EntityManager = this.db.manager): Promise<ProductView> {
    return JSON.parse(await this.getJson(ctx, id, m)) as ProductView;
  }

  // ---------------------------------------------------------------- products

  async create(ctx: TenantContext, dto: CreateProductDto): Promise<ProductView> {
    let created: ProductJsonRow | undefined;
    const capture = (row: ProductJsonRow) => (created = row);
    // without variants the create is a single statement: no transaction to open and commit
    const id = dto.variants?.length
      ? await this.inTx((m) => this.createIn(m, ctx, dto, capture))
      : await this.translateLimit(() => this.createIn(this.db.manager, ctx, dto, capture));
    // without variants, the row the insert returned is the whole answer; with them, read it back
    return created && !dto.variants?.length ? (JSON.parse(created.json) as ProductView) : this.get(ctx, id);
  }

  /** Creates inside the caller's transaction (used by create and by batch upsert). */
  async createIn(m: EntityManager, ctx: TenantContext, dto: CreateProductDto, onInserted?: (row: ProductJsonRow) => void): Promise<string> {
    const errors: ErrorDetail[] = [];
    if (dto.brand_id) await this.assertOwned(m, ctx, 'brands', dto.brand_id, 'Brand');
    if (dto.template_id) await this.assertOwned(m, ctx, 'product_templates', dto.template_id, 'Template');
    const attrs = this.stripNulls(dto.attributes ?? {});
    const variantAttrs = (dto.variants ?? []).map((v, i) => ({ i, attrs: v.attributes ?? {} }));
    const defs = await this.attributeDefs(m, ctx, [...Object.keys(attrs), ...variantAttrs.flatMap((v) => Object.keys(v.attrs))]);
    errors.push(...checkAttributeValues(attrs, defs));
    for (const v of variantAttrs) errors.push(...checkAttributeValues(v.attrs, defs, `variants.${v.i}.attributes`));
    if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);

    // Ids are made here so the events can name the product and its variants before they exist.
    const id = randomUUID();
    const variantIds = (dto.variants ?? []).map(() => randomUUID());
    const changes = {
      audit: [
        {
          action: 'product.created',
          resourceType: 'product',
          resourceId: id,
          after: { title: dto.title, status: dto.status ?? 'ACTIVE', category: dto.category ?? null, variants: variantIds.length },
        },
      ],
      events: [{ type: 'product.created', data: { product_id: id, variant_ids: variantIds } }],
    };
    const base = dto.handle ?? slugify(dto.title, 200);
    for (let attempt = 0, handle = base; ; attempt++, handle = `${base.slice(0, 240)}-${randomBytes(3).toString('hex')}`) {
      // One statement: the category on its first use, the product, their audit entries, the event
      // and its dispatch job. Atomic without an explicit transaction.
      const params = new Params();
      const v = [id, ctx.tenantId, ctx.orgId, dto.title, handle, dto.description ?? null, dto.status ?? 'ACTIVE', dto.brand_id ?? null, dto.template_id ?? null, JSON.stringify(attrs)].map(
        (x) => params.add(x),
      );
      const slug = params.add(dto.category ?? null);
      const newCategoryId = randomUUID();
      const catName = dto.category ? dto.category.replace(/-/g, ' ').replace(/\b\w/g, (ch) => ch.toUpperCase()) : null;
      const cat = params.add(newCategoryId);
      const catChanges = this.changes.ctes(
        params,
        ctx,
        { audit: [{ action: 'category.created', resourceType: 'category', resourceId: newCategoryId, after: { name: catName, slug: dto.category ?? null, parentId: null } }], events: [] },
        'newcat',
        'cat',
      );
      const productChanges = this.changes.ctes(params, ctx, changes, 'p');
      const inserted = await prepared<ProductJsonRow & { category_id: string | null }>(
        m,
        `WITH newcat AS (
           INSERT INTO categories (id, tenant_id, name, slug, path, depth)
           SELECT ${cat}::uuid, ${v[1]}, ${params.add(catName)}, ${slug}::text, ${cat}::text, 0
            WHERE ${slug}::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM categories WHERE tenant_id = ${v[1]} AND slug = ${slug}::text)
           ON CONFLICT (tenant_id, slug) DO NOTHING RETURNING id),
         p AS (
           INSERT INTO products (id, tenant_id, org_id, title, handle, description, status, category_id, brand_id, template_id, attributes)
           VALUES (${v[0]}, ${v[1]}, ${v[2]}, ${v[3]}, ${v[4]}, ${v[5]}, ${v[6]},
                   COALESCE((SELECT id FROM newcat), (SELECT id FROM categories WHERE tenant_id = ${v[1]} AND slug = ${slug}::text)),
                   ${v[7]}::uuid, ${v[8]}::uuid, ${v[9]}::jsonb)
           ON CONFLICT (tenant_id, handle) DO NOTHING RETURNING *),
         ${catChanges.ctes},
         ${productChanges.ctes}
         SELECT p.id, p.created_at AS created_at_ts, p.category_id,
                json_build_object('id', p.id, 'title', p.title, 'description', p.description, 'handle', p.handle, 'status', p.status,
                  'category', ${slug}::text, 'category_id', p.category_id, 'brand_id', p.brand_id, 'template_id', p.template_id,
                  'attributes', p.attributes, 'variants', '[]'::json, 'media', '[]'::json,
                  'created_at', ${isoSql('p.created_at')}, 'updated_at', ${isoSql('p.updated_at')})::text AS json
           FROM p`,
        params.values,
      );
      if (inserted.length) {
        const row = inserted[0];
        if (dto.category && !row.category_id) {
          // lost a race with a concurrent first use of the same new slug: link the winner's category
          await m.query(`UPDATE products SET category_id = (SELECT id FROM categories WHERE tenant_id = $1 AND slug = $3) WHERE tenant_id = $1 AND id = $2`, [
            ctx.tenantId,
            id,
            dto.category,
          ]);
        } else onInserted?.(row);
        break;
      }
      if (dto.handle !== undefined) {
        throw new ValidationFailedError(`handle ${dto.handle} is already used by another product`, [{ field: 'handle', message: 'handle is taken' }]);
      }
      if (attempt >= 5) throw new Error('could not find a free handle');
    }
    if (dto.variants?.length) await this.insertVariants(m, ctx, id, dto.variants, variantIds);
    return id;
  }

  async update(ctx: TenantContext, id: string, dto: UpdateProductDto): Promise<ProductView> {
    await this.inTx((m) => this.updateIn(m, ctx, id, dto));
    return this.get(ctx, id);
  }

  async updateIn(m: EntityManager, ctx: TenantContext, id: string, dto: UpdateProductDto): Promise<void> {
    const repo = m.getRepository(Product);
    const p = await repo.findOne({ where: { id, tenantId: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
    if (!p) throw new NotFoundError('Product', id);
    const before = { title: p.title, description: p.description, status: p.status, categoryId: p.categoryId, brandId: p.brandId, templateId: p.templateId, handle: p.handle, attributes: p.attributes };

    if (dto.title !== undefined) p.title = dto.title;
    if (dto.description !== undefined) p.description = dto.description;
    if (dto.status !== undefined) p.status = dto.status;
    if (dto.category !== undefined) p.categoryId = dto.category === null ? null : await this.resolveCategory(m, ctx, dto.category);
    if (dto.brand_id !== undefined) {
      if (dto.brand_id) await this.assertOwned(m, ctx, 'brands', dto.brand_id, 'Brand');
      p.brandId = dto.brand_id;
    }
    if (dto.template_id !== undefined) {
      if (dto.template_id) await this.assertOwned(m, ctx, 'product_templates', dto.template_id, 'Template');
      p.templateId = dto.template_id;
    }
    if (dto.handle !== undefined && dto.handle !== p.handle) p.handle = await this.uniqueHandle(m, ctx, dto.handle, id, true);
    if (dto.attributes !== undefined) {
      const defs = await this.attributeDefs(m, ctx, Object.keys(dto.attributes));
      const errors = checkAttributeValues(dto.attributes, defs);
      if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
      p.attributes = mergeAttributeValues(p.attributes, dto.attributes);
    }
    await repo.save(p);
    const after = { title: p.title, description: p.description, status: p.status, categoryId: p.categoryId, brandId: p.brandId, templateId: p.templateId, handle: p.handle, attributes: p.attributes };
    await this.audit.record(m, ctx, { action: 'product.updated', resourceType: 'product', resourceId: id, before, after });
    await this.outbox.emit(m, ctx.tenantId, 'product.updated', { product_id: id, changed_fields: givenFields(dto) });
  }

  async remove(ctx: TenantContext, id: string): Promise<void> {
    await this.inTx(async (m) => {
      const rows: { id: string; title: string; status: string; variant_ids: string[] | null; skus: (string | null)[] | null }[] = await m.query(
        `SELECT p.id, p.title, p.status,
                array_agg(v.id ORDER BY v.position) FILTER (WHERE v.id IS NOT NULL) AS variant_ids,
                array_agg(v.sku ORDER BY v.position) FILTER (WHERE v.id IS NOT NULL) AS skus
           FROM products p LEFT JOIN variants v ON v.product_id = p.id
          WHERE p.tenant_id = $1 AND p.id = $2 GROUP BY p.id`,
        [ctx.tenantId, id],
      );
      const p = rows[0];
      if (!p) throw new NotFoundError('Product', id);
      await m.query(`DELETE FROM products WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
      await this.audit.record(m, ctx, {
        action: 'product.deleted',
        resourceType: 'product',
        resourceId: id,
        before: { title: p.title, status: p.status, variant_ids: p.variant_ids ?? [] },
      });
      await this.outbox.emit(m, ctx.tenantId, 'product.deleted', {
        product_id: id,
        variant_ids: p.variant_ids ?? [],
        skus: (p.skus ?? []).filter((s) => s !== null),
      });
    });
  }

  // ---------------------------------------------------------------- variants

  async listVariants(ctx: TenantContext, productId: string): Promise<VariantView[]> {
    return (await this.get(ctx, productId)).variants;
  }

  async getVariant(ctx: TenantContext, productId: string, variantId: string, m: EntityManager = this.db.manager): Promise<VariantView> {
    const rows: { v: VariantView }[] = await m.query(
      `SELECT ${VARIANT_JSON} AS v FROM variants v WHERE v.tenant_id = $1 AND v.product_id = $2 AND v.id = $3`,
      [ctx.tenantId, productId, variantId],
    );
    if (!rows[0]) throw new NotFoundError('Variant', variantId);
    return rows[0].v;
  }

  async createVariant(ctx: TenantContext, productId: string, dto: CreateVariantDto): Promise<VariantView> {
    const id = await this.inTx(async (m) => {
      const locked = await m.query(`SELECT id FROM products WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [ctx.tenantId, productId]);
      if (!locked[0]) throw new NotFoundError('Product', productId);
      const defs = await this.attributeDefs(m, ctx, Object.keys(dto.attributes ?? {}));
      const errors = checkAttributeValues(dto.attributes ?? {}, defs);
      if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
      const [variantId] = await this.insertVariants(m, ctx, productId, [dto]);
      await this.touchProduct(m, ctx, productId);
      await this.audit.record(m, ctx, {
        action: 'variant.created',
        resourceType: 'variant',
        resourceId: variantId,
        after: { product_id: productId, sku: dto.sku ?? null, price: dto.price ?? null, currency: dto.currency ?? null },
      });
      await this.outbox.emit(m, ctx.tenantId, 'variant.created', { product_id: productId, variant_id: variantId });
      return variantId;
    });
    return this.getVariant(ctx, productId, id);
  }

  async updateVariant(ctx: TenantContext, productId: string, variantId: string, dto: UpdateVariantDto): Promise<VariantView> {
    await this.inTx((m) => this.updateVariantIn(m, ctx, productId, variantId, dto));
    return this.getVariant(ctx, productId, variantId);
  }

  async updateVariantIn(m: EntityManager, ctx: TenantContext, productId: string, variantId: string, dto: UpdateVariantDto): Promise<void> {
    const repo = m.getRepository(Variant);
    const v = await repo.findOne({ where: { id: variantId, productId, tenantId: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
    if (!v) throw new NotFoundError('Variant', variantId);
    const before = { sku: v.sku, barcode: v.barcode, title: v.title, price: v.price, currency: v.currency, compareAtPrice: v.compareAtPrice, costPrice: v.costPrice, options: v.options, attributes: v.attributes, weightGrams: v.weightGrams, position: v.position };
    if (dto.sku !== undefined && dto.sku !== v.sku) {
      if (dto.sku) await this.assertSkusFree(m, ctx, [dto.sku], variantId);
      v.sku = dto.sku;
    }
    if (dto.barcode !== undefined) v.barcode = dto.barcode;
    if (dto.title !== undefined) v.title = dto.title;
    if (dto.price !== undefined) {
      v.price = money(dto.price) ?? null;
      if (dto.price !== null && !v.currency && !dto.currency) v.currency = await this.defaultCurrency(m, ctx);
    }
    if (dto.currency !== undefined) v.currency = dto.currency;
    if (dto.compare_at_price !== undefined) v.compareAtPrice = money(dto.compare_at_price) ?? null;
    if (dto.cost_price !== undefined) v.costPrice = money(dto.cost_price) ?? null;
    if (dto.options !== undefined) v.options = dto.options;
    if (dto.weight_grams !== undefined) v.weightGrams = dto.weight_grams;
    if (dto.position !== undefined) v.position = dto.position;
    if (dto.attributes !== undefined) {
      const defs = await this.attributeDefs(m, ctx, Object.keys(dto.attributes));
      const errors = checkAttributeValues(dto.attributes, defs);
      if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
      v.attributes = mergeAttributeValues(v.attributes, dto.attributes);
    }
    try {
      await repo.save(v);
    } catch (err) {
      if (isUniqueViolation(err, 'uq_variants_tenant_sku')) throw new SkuTakenError([String(v.sku)]);
      throw err;
    }
    await this.touchProduct(m, ctx, productId);
    const after = { sku: v.sku, barcode: v.barcode, title: v.title, price: v.price, currency: v.currency, compareAtPrice: v.compareAtPrice, costPrice: v.costPrice, options: v.options, attributes: v.attributes, weightGrams: v.weightGrams, position: v.position };
    await this.audit.record(m, ctx, { action: 'variant.updated', resourceType: 'variant', resourceId: variantId, before, after });
    await this.outbox.emit(m, ctx.tenantId, 'variant.updated', { product_id: productId, variant_id: variantId, changed_fields: givenFields(dto) });
  }

  async removeVariant(ctx: TenantContext, productId: string, variantId: string): Promise<void> {
    await this.inTx(async (m) => {
      const rows = await queryRows<{ sku: string | null; price: string | null }>(m, `DELETE FROM variants WHERE tenant_id = $1 AND product_id = $2 AND id = $3 RETURNING sku, price`,
        [ctx.tenantId, productId, variantId],
      );
      if (!rows[0]) throw new NotFoundError('Variant', variantId);
      await this.touchProduct(m, ctx, productId);
      await this.audit.record(m, ctx, { action: 'variant.deleted', resourceType: 'variant', resourceId: variantId, before: { product_id: productId, sku: rows[0].sku, price: rows[0].price } });
      await this.outbox.emit(m, ctx.tenantId, 'variant.deleted', { product_id: productId, variant_id: variantId, sku: rows[0].sku });
    });
  }

  // ---------------------------------------------------------------- helpers

  /** Runs a write transaction, translating the plan-limit trigger into its API error. */
  async inTx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.translateLimit(() => this.db.transaction(fn));
  }

  private async translateLimit<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isProductLimitError(err)) throw new ProductLimitError();
      throw err;
    }
  }

  async insertVariants(m: EntityManager, ctx: TenantContext, productId: string, dtos: CreateVariantDto[], ids?: string[]): Promise<string[]> {
    const skus = dtos.map((d) => d.sku).filter((s): s is string => !!s);
    const dupInRequest = skus.filter((s, i) => skus.indexOf(s) !== i);
    if (dupInRequest.length) throw new SkuTakenError([...new Set(dupInRequest)]);
    if (skus.length) await this.assertSkusFree(m, ctx, skus);
    const needsCurrency = dtos.some((d) => d.price !== undefined && !d.currency);
    const fallbackCurrency = needsCurrency ? await this.defaultCurrency(m, ctx) : null;
    try {
      const result = await m.getRepository(Variant).insert(
        dtos.map((d, i) => ({
          ...(ids ? { id: ids[i] } : {}),
          tenantId: ctx.tenantId,
          productId,
          sku: d.sku ?? null,
          barcode: d.barcode ?? null,
          title: d.title ?? null,
          price: money(d.price) ?? null,
          currency: d.currency ?? (d.price !== undefined ? fallbackCurrency : null),
          compareAtPrice: money(d.compare_at_price) ?? null,
          costPrice: money(d.cost_price) ?? null,
          options: d.options ?? {},
          attributes: this.stripNulls(d.attributes ?? {}),
          weightGrams: d.weight_grams ?? null,
          position: d.position ?? i,
        })),
      );
      return result.identifiers.map((x) => x.id as string);
    } catch (err) {
      if (isUniqueViolation(err, 'uq_variants_tenant_sku')) throw new SkuTakenError(skus);
      throw err;
    }
  }

  private async assertSkusFree(m: EntityManager, ctx: TenantContext, skus: string[], exceptVariantId?: string): Promise<void> {
    const taken: { sku: string }[] = await m.query(
      `SELECT sku FROM variants WHERE tenant_id = $1 AND sku = ANY($2::text[]) AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [ctx.tenantId, skus, exceptVariantId ?? null],
    );
    if (taken.length) throw new SkuTakenError(taken.map((t) => t.sku));
  }

  private stripNulls(attrs: AttrInput): Record<string, AttributeValue> {
    return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null)) as Record<string, AttributeValue>;
  }

  async attributeDefs(m: EntityManager, ctx: TenantContext, slugs: string[]): Promise<Map<string, AttributeDefinition>> {
    const unique = [...new Set(slugs)];
    if (!unique.length) return new Map();
    const rows: AttributeDefinition[] = await m.query(`SELECT slug, type, options FROM attributes WHERE tenant_id = $1 AND slug = ANY($2::text[])`, [
      ctx.tenantId,
      unique,
    ]);
    return new Map(rows.map((r) => [r.slug, r]));
  }

  /** A category by slug; a slug that does not exist yet becomes a root category (as the spec's example expects). */
  async resolveCategory(m: EntityManager, ctx: TenantContext, slug: string): Promise<string> {
    const found = await prepared<{ id: string }>(m, `SELECT id FROM categories WHERE tenant_id = $1 AND slug = $2`, [ctx.tenantId, slug]);
    if (found[0]) return found[0].id;
    const name = slug.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO categories (tenant_id, name, slug, path, depth) VALUES ($1, $2, $3, '', 0)
       ON CONFLICT (tenant_id, slug) DO NOTHING RETURNING id`,
      [ctx.tenantId, name, slug],
    );
    if (!inserted[0]) {
      const again: { id: string }[] = await m.query(`SELECT id FROM categories WHERE tenant_id = $1 AND slug = $2`, [ctx.tenantId, slug]);
      return again[0].id;
    }
    const id = inserted[0].id;
    await m.query(`UPDATE categories SET path = id::text WHERE id = $1`, [id]);
    await this.audit.record(m, ctx, { action: 'category.created', resourceType: 'category', resourceId: id, after: { name, slug, parentId: null } });
    return id;
  }

  private async assertOwned(m: EntityManager, ctx: TenantContext, table: 'brands' | 'product_templates', id: string, label: string): Promise<void> {
    const rows = await m.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError(label, id);
  }

  private async uniqueHandle(m: EntityManager, ctx: TenantContext, base: string, exceptId?: string, exact = false): Promise<string> {
    const taken = await m.query(`SELECT 1 FROM products WHERE tenant_id = $1 AND handle = $2 AND ($3::uuid IS NULL OR id <> $3::uuid)`, [
      ctx.tenantId,
      base,
      exceptId ?? null,
    ]);
    if (!taken[0]) return base;
    if (exact) throw new ValidationFailedError(`handle ${base} is already used by another product`, [{ field: 'handle', message: 'handle is taken' }]);
    return `${base.slice(0, 240)}-${randomBytes(3).toString('hex')}`;
  }

  private async defaultCurrency(m: EntityManager, ctx: TenantContext): Promise<string> {
    const rows: { default_currency: string }[] = await m.query(`SELECT default_currency FROM tenant_settings WHERE tenant_id = $1`, [ctx.tenantId]);
    return rows[0]?.default_currency ?? 'USD';
  }

  private async touchProduct(m: EntityManager, ctx: TenantContext, productId: string): Promise<void> {
    await m.query(`UPDATE products SET updated_at = now() WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, productId]);
  }
}
