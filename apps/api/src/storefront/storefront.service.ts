import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { TenantContext, ValidationFailedError } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { DEFAULT_FILE_TYPES, DEFAULT_MAX_FILE_BYTES, prepared, Storefront, StorefrontOffer } from '@synq/database';
import { prefixedId } from '@synq/events';
import { moneyNumber } from '@synq/pim';
import { UpdateStorefrontDto } from './dto/storefront.dto';
import { NotOfferedError, VariantRequiredError } from './storefront.errors';

const SETTINGS_FIELDS: Record<string, keyof Storefront> = {
  enabled: 'enabled',
  display_name: 'displayName',
  logo_url: 'logoUrl',
  accent_color: 'accentColor',
  currency: 'currency',
  offers: 'offers',
  allow_quotes: 'allowQuotes',
  allowed_file_types: 'allowedFileTypes',
  max_file_bytes: 'maxFileBytes',
  success_url: 'successUrl',
  cancel_url: 'cancelUrl',
  allowed_origins: 'allowedOrigins',
};

export function newPublishableKey(): string {
  return prefixedId('sf_live', 32);
}

/** An offered, priced variant as the shopper sees it. */
export interface OfferedVariant {
  product_id: string;
  product_title: string;
  variant_id: string;
  variant_title: string | null;
  sku: string | null;
  options: Record<string, string>;
  /** decimal string, major units */
  price: string;
  currency: string;
}

interface OfferRow {
  product_id: string;
  product_title: string;
  description: string | null;
  image_url: string | null;
  variant_id: string;
  variant_title: string | null;
  sku: string | null;
  options: Record<string, string>;
  price: string;
  currency: string | null;
}

/**
 * The storefront module's settings (Platform API) and the store as the public side sees it: the
 * offered products with prices, resolved from the PIM catalogue of the store's tenant only.
 */
@Injectable()
export class StorefrontService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async find(ctx: TenantContext): Promise<Storefront | null> {
    return this.db.getRepository(Storefront).findOne({ where: { tenantId: ctx.tenantId } });
  }

  async get(ctx: TenantContext) {
    return this.view(await this.find(ctx), ctx);
  }

  async update(ctx: TenantContext, dto: UpdateStorefrontDto) {
    if (dto.offers?.length) await this.checkOffers(ctx, dto.offers.map((o) => ({ product_id: o.product_id, variant_id: o.variant_id ?? null })));
    const saved = await this.db.transaction(async (m) => {
      const repo = m.getRepository(Storefront);
      await m.query(`INSERT INTO storefronts (tenant_id, org_id) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`, [ctx.tenantId, ctx.orgId]);
      const before = await repo.createQueryBuilder('s').setLock('pessimistic_write').where('s.tenant_id = :t', { t: ctx.tenantId }).getOneOrFail();
      const changes: Partial<Storefront> = {};
      for (const [field, prop] of Object.entries(SETTINGS_FIELDS)) {
        const v = (dto as Record<string, unknown>)[field];
        if (v === undefined) continue;
        if (field === 'offers') {
          (changes as Record<string, unknown>)[prop] = (v as { product_id: string; variant_id?: string | null }[]).map((o) => ({ product_id: o.product_id, variant_id: o.variant_id ?? null }));
        } else if (field === 'accent_color') {
          changes.accentColor = String(v).toLowerCase();
        } else {
          (changes as Record<string, unknown>)[prop] = v;
        }
      }
      if ((changes.enabled ?? before.enabled) && !before.publishableKey) changes.publishableKey = newPublishableKey();
      if (Object.keys(changes).length) await repo.update({ tenantId: ctx.tenantId }, changes);
      const after = await repo.findOneByOrFail({ tenantId: ctx.tenantId });
      await this.audit.record(m, ctx, {
        action: 'storefront.updated',
        resourceType: 'storefront',
        resourceId: ctx.tenantId,
        before: this.auditView(before),
        after: this.auditView(after),
      });
      return after;
    });
    return this.view(saved, ctx);
  }

  /** Replaces the publishable key: the old one stops working at once (embeds must be updated). */
  async rotateKey(ctx: TenantContext) {
    const saved = await this.db.transaction(async (m) => {
      await m.query(`INSERT INTO storefronts (tenant_id, org_id) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`, [ctx.tenantId, ctx.orgId]);
      const key = newPublishableKey();
      await m.query(`UPDATE storefronts SET publishable_key = $2, updated_at = now() WHERE tenant_id = $1`, [ctx.tenantId, key]);
      await this.audit.record(m, ctx, { action: 'storefront.key_rotated', resourceType: 'storefront', resourceId: ctx.tenantId, after: { publishable_key: `${key.slice(0, 12)}…` } });
      return m.getRepository(Storefront).findOneByOrFail({ tenantId: ctx.tenantId });
    });
    return this.view(saved, ctx);
  }

  async findEnabledByKey(key: string): Promise<Storefront | undefined> {
    if (!/^sf_(live|test)_[A-Za-z0-9]{16,64}$/.test(key)) return undefined;
    return (await this.db.getRepository(Storefront).findOneBy({ publishableKey: key, enabled: true })) ?? undefined;
  }

  /** Every offered, priced variant of active products (at most 100 offers, 1000 variants). */
  async offeredVariants(sf: Storefront): Promise<(OfferedVariant & { description: string | null; image_url: string | null })[]> {
    const offers = sf.offers ?? [];
    if (!offers.length) return [];
    const rows = await prepared<OfferRow>(
      this.db,
      `SELECT p.id AS product_id, p.title AS product_title, p.description,
              (SELECT m.url FROM media m WHERE m.product_id = p.id ORDER BY m.sort_order, m.id LIMIT 1) AS image_url,
              v.id AS variant_id, v.title AS variant_title, v.sku, v.options, v.price::text AS price, v.currency
         FROM products p JOIN variants v ON v.product_id = p.id AND v.tenant_id = p.tenant_id
        WHERE p.tenant_id = $1 AND p.id = ANY($2::uuid[]) AND p.status = 'ACTIVE' AND v.price IS NOT NULL
        ORDER BY p.created_at, p.id, v.position, v.created_at, v.id
        LIMIT 1000`,
      [sf.tenantId, [...new Set(offers.map((o) => o.product_id))]],
    );
    return rows
      .filter((r) => offers.some((o) => o.product_id === r.product_id && (o.variant_id === null || o.variant_id === r.variant_id)))
      .map((r) => ({ ...r, currency: r.currency ?? sf.currency }));
  }

  /** The offered variant a shopper's order names, or a 400 the shopper understands. */
  async resolveOffer(sf: Storefront, productId: string, variantId?: string): Promise<OfferedVariant> {
    const all = (await this.offeredVariants(sf)).filter((v) => v.product_id === productId);
    if (!all.length) throw new NotOfferedError();
    if (variantId) {
      const v = all.find((x) => x.variant_id === variantId);
      if (!v) throw new NotOfferedError('This option');
      return v;
    }
    if (all.length > 1) throw new VariantRequiredError();
    return all[0];
  }

  private async checkOffers(ctx: TenantContext, offers: StorefrontOffer[]): Promise<void> {
    const rows: { product_id: string; variant_id: string | null }[] = await this.db.query(
      `SELECT o.product_id::text, o.variant_id::text
         FROM jsonb_to_recordset($2::jsonb) AS o(product_id uuid, variant_id uuid)
        WHERE EXISTS (SELECT 1 FROM products p WHERE p.tenant_id = $1 AND p.id = o.product_id)
          AND (o.variant_id IS NULL OR EXISTS (SELECT 1 FROM variants v WHERE v.tenant_id = $1 AND v.id = o.variant_id AND v.product_id = o.product_id))`,
      [ctx.tenantId, JSON.stringify(offers)],
    );
    const found = new Set(rows.map((r) => `${r.product_id}/${r.variant_id}`));
    const details = offers
      .map((o, i) => ({ o, i }))
      .filter(({ o }) => !found.has(`${o.product_id}/${o.variant_id}`))
      .map(({ i }) => ({ field: `offers.${i}`, message: `offers.${i} names a product or variant that does not exist` }));
    if (details.length) throw new ValidationFailedError(details.map((d) => d.message).join('; '), details);
  }

  embedUrl(key: string): string {
    return `${this.config.publicBaseUrl.replace(/\/+$/, '')}/s/${key}`;
  }

  private auditView(s: Storefront): Record<string, unknown> {
    return {
      enabled: s.enabled,
      display_name: s.displayName,
      logo_url: s.logoUrl,
      accent_color: s.accentColor,
      currency: s.currency,
      offers: s.offers,
      allow_quotes: s.allowQuotes,
      allowed_file_types: s.allowedFileTypes,
      max_file_bytes: s.maxFileBytes,
      success_url: s.successUrl,
      cancel_url: s.cancelUrl,
      allowed_origins: s.allowedOrigins,
    };
  }

  private view(s: Storefront | null, ctx: TenantContext) {
    const key = s?.publishableKey ?? null;
    return {
      enabled: s?.enabled ?? false,
      publishable_key: key,
      embed_url: key ? this.embedUrl(key) : null,
      embed_snippet: key
        ? `<iframe src="${this.embedUrl(key)}" style="width:100%;max-width:480px;height:760px;border:0;border-radius:16px" title="Order"></iframe>`
        : null,
      display_name: s?.displayName ?? null,
      logo_url: s?.logoUrl ?? null,
      accent_color: s?.accentColor ?? '#4f46e5',
      currency: s?.currency ?? 'USD',
      offers: s?.offers ?? [],
      allow_quotes: s?.allowQuotes ?? true,
      allowed_file_types: s?.allowedFileTypes ?? DEFAULT_FILE_TYPES,
      max_file_bytes: s?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      success_url: s?.successUrl ?? null,
      cancel_url: s?.cancelUrl ?? null,
      allowed_origins: s?.allowedOrigins ?? [],
      tenant_id: ctx.tenantId,
      created_at: s?.createdAt?.toISOString() ?? null,
      updated_at: s?.updatedAt?.toISOString() ?? null,
    };
  }
}

export function priceNumber(v: string): number {
  return moneyNumber(v) ?? 0;
}
