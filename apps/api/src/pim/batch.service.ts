import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsUUID, validate, ValidationError } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, TenantContext } from '@synq/common';
import { isProductLimitError } from '@synq/database';
import { CreateProductDto, CreateVariantDto, UpdateProductDto } from './dto/product.dto';
import { ProductsService } from './products.service';

class BatchCreateItemDto extends CreateProductDto {
  @IsOptional()
  @IsUUID()
  id?: string;
}

class BatchUpdateItemDto extends UpdateProductDto {
  @IsOptional()
  @IsUUID()
  id?: string;

  @IsOptional()
  variants?: CreateVariantDto[];
}

export interface BatchResult {
  index: number;
  status: 'created' | 'updated' | 'error';
  id?: string;
  error?: { code: string; message: string; details?: unknown };
}

const CHUNK = 100;

function messages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(`${e.property} `) ? `${field}${m.slice(e.property.length)}` : m.replace(/^property (\S+) should not exist$/, `${field} is not allowed`),
    );
    return [...own, ...messages(e.children ?? [], field)];
  });
}

/**
 * Upserts up to 1,000 products: matched by `id`, else by a variant SKU, else created. One transaction
 * per chunk of 100, with a savepoint per item so one bad item never hides the fate of the others.
 */
@Injectable()
export class BatchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly products: ProductsService,
  ) {}

  async upsert(ctx: TenantContext, items: Record<string, unknown>[]): Promise<BatchResult[]> {
    const results: BatchResult[] = [];
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      const chunkResults = await this.db.transaction(async (m) => {
        const out: BatchResult[] = [];
        for (let i = 0; i < chunk.length; i++) out.push(await this.one(m, ctx, start + i, chunk[i]));
        return out;
      });
      results.push(...chunkResults);
    }
    return results;
  }

  private async one(m: EntityManager, ctx: TenantContext, index: number, raw: unknown): Promise<BatchResult> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { index, status: 'error', error: { code: 'VALIDATION_FAILED', message: 'each item must be an object' } };
    }
    const item = raw as Record<string, unknown>;
    try {
      const existingId = await this.match(m, ctx, item);
      if (existingId) {
        const dto = plainToInstance(BatchUpdateItemDto, item);
        const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
        const variantDtos = Array.isArray(item.variants) ? item.variants.map((v) => plainToInstance(CreateVariantDto, v)) : [];
        const variantErrors = (await Promise.all(variantDtos.map((v) => validate(v, { whitelist: true, forbidNonWhitelisted: true })))).flatMap((e, vi) =>
          messages(e, `variants.${vi}`),
        );
        const all = [...messages(errors), ...variantErrors];
        if (all.length) return { index, status: 'error', error: { code: 'VALIDATION_FAILED', message: all.join('; ') } };
        await m.transaction(async (sp) => {
          const { id: _id, variants: _v, ...fields } = dto;
          await this.products.updateIn(sp, ctx, existingId, fields);
          if (variantDtos.length) await this.upsertVariants(sp, ctx, existingId, variantDtos);
        });
        return { index, status: 'updated', id: existingId };
      }
      if (item.id !== undefined) return { index, status: 'error', error: { code: 'NOT_FOUND', message: `Product ${String(item.id)} not found` } };
      const dto = plainToInstance(BatchCreateItemDto, item);
      const errors = messages(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
      if (errors.length) return { index, status: 'error', error: { code: 'VALIDATION_FAILED', message: errors.join('; ') } };
      const id = await m.transaction((sp) => this.products.createIn(sp, ctx, dto));
      return { index, status: 'created', id };
    } catch (err) {
      if (err instanceof DomainError) return { index, status: 'error', error: { code: err.code, message: err.message, details: err.details } };
      if (isProductLimitError(err)) return { index, status: 'error', error: { code: 'PIM_PRODUCT_LIMIT', message: 'Your plan’s product limit is reached' } };
      throw err;
    }
  }

  /** By id when given; otherwise by the SKUs of its variants (all must point at the same product). */
  private async match(m: EntityManager, ctx: TenantContext, item: Record<string, unknown>): Promise<string | undefined> {
    if (typeof item.id === 'string') {
      const rows = await m.query(`SELECT id FROM products WHERE tenant_id = $1 AND id = $2::uuid`, [ctx.tenantId, item.id]).catch(() => []);
      return rows[0]?.id;
    }
    const skus = Array.isArray(item.variants)
      ? item.variants.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>).sku : undefined)).filter((s): s is string => typeof s === 'string')
      : [];
    if (!skus.length) return undefined;
    const rows: { product_id: string }[] = await m.query(`SELECT DISTINCT product_id FROM variants WHERE tenant_id = $1 AND sku = ANY($2::text[])`, [
      ctx.tenantId,
      skus,
    ]);
    if (rows.length > 1) {
      throw new DomainError(409, 'AMBIGUOUS_MATCH', `SKUs ${skus.join(', ')} belong to ${rows.length} different products`);
    }
    return rows[0]?.product_id;
  }

  private async upsertVariants(m: EntityManager, ctx: TenantContext, productId: string, variants: CreateVariantDto[]): Promise<void> {
    const skus = variants.map((v) => v.sku).filter((s): s is string => !!s);
    const existing: { id: string; sku: string }[] = skus.length
      ? await m.query(`SELECT id, sku FROM variants WHERE tenant_id = $1 AND product_id = $2 AND sku = ANY($3::text[])`, [ctx.tenantId, productId, skus])
      : [];
    const bySku = new Map(existing.map((e) => [e.sku, e.id]));
    const fresh = variants.filter((v) => !v.sku || !bySku.has(v.sku));
    for (const v of variants) {
      const id = v.sku ? bySku.get(v.sku) : undefined;
      if (id) await this.products.updateVariantIn(m, ctx, productId, id, v);
    }
    if (fresh.length) await this.products.insertVariants(m, ctx, productId, fresh);
  }
}
