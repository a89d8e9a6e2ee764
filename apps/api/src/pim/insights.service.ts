import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { Page, Params, TenantContext, ValidationFailedError } from '@synq/common';

export type Severity = 'error' | 'warning';

interface Check {
  code: string;
  severity: Severity;
  /** SELECT product_id, variant_id, message … for tenant $1 */
  sql: string;
}

/** Catalog validation rules, each one set-based SQL over the whole tenant (no loop per product). */
export const VALIDATION_CHECKS: Check[] = [
  {
    code: 'BARCODE_DUPLICATE',
    severity: 'error',
    sql: `SELECT v.product_id, v.id AS variant_id, 'Barcode ' || v.barcode || ' is shared with ' || (d.n - 1) || ' other variant(s)' AS message
            FROM variants v JOIN (SELECT barcode, count(*) AS n FROM variants WHERE tenant_id = $1 AND barcode IS NOT NULL
                                   GROUP BY barcode HAVING count(*) > 1) d ON d.barcode = v.barcode
           WHERE v.tenant_id = $1`,
  },
  {
    code: 'BARCODE_INVALID',
    severity: 'error',
    sql: `SELECT v.product_id, v.id AS variant_id, 'Barcode ' || v.barcode || ' is not a valid GTIN' AS message
            FROM variants v WHERE v.tenant_id = $1 AND v.barcode IS NOT NULL AND NOT gtin_valid(v.barcode)`,
  },
  {
    code: 'PRODUCT_WITHOUT_CATEGORY',
    severity: 'warning',
    sql: `SELECT p.id AS product_id, NULL::uuid AS variant_id, 'Product has no category' AS message
            FROM products p WHERE p.tenant_id = $1 AND p.category_id IS NULL`,
  },
  {
    code: 'PRODUCT_WITHOUT_MEDIA',
    severity: 'warning',
    sql: `SELECT p.id AS product_id, NULL::uuid AS variant_id, 'Product has no images' AS message
            FROM products p WHERE p.tenant_id = $1
             AND NOT EXISTS (SELECT 1 FROM media m WHERE m.product_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM media m JOIN variants v ON v.id = m.variant_id WHERE v.product_id = p.id)`,
  },
  {
    code: 'PRODUCT_WITHOUT_VARIANTS',
    severity: 'warning',
    sql: `SELECT p.id AS product_id, NULL::uuid AS variant_id, 'Product has no variants to sell' AS message
            FROM products p WHERE p.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id)`,
  },
  {
    code: 'TEMPLATE_ATTRIBUTE_MISSING',
    severity: 'error',
    sql: `SELECT p.id AS product_id, NULL::uuid AS variant_id,
                 'Required attribute "' || a.slug || '" of template "' || t.name || '" is missing' AS message
            FROM products p JOIN product_templates t ON t.id = p.template_id
            JOIN product_template_attributes ta ON ta.template_id = t.id AND ta.required
            JOIN attributes a ON a.id = ta.attribute_id
           WHERE p.tenant_id = $1 AND NOT (p.attributes ? a.slug)`,
  },
  {
    code: 'VARIANT_MISSING_PRICE',
    severity: 'error',
    sql: `SELECT v.product_id, v.id AS variant_id, 'Variant has no price' AS message FROM variants v WHERE v.tenant_id = $1 AND v.price IS NULL`,
  },
  {
    code: 'VARIANT_MISSING_SKU',
    severity: 'warning',
    sql: `SELECT v.product_id, v.id AS variant_id, 'Variant has no SKU' AS message FROM variants v WHERE v.tenant_id = $1 AND v.sku IS NULL`,
  },
];

export interface ValidationIssue {
  product_id: string;
  variant_id: string | null;
  code: string;
  message: string;
  severity: Severity;
}

const NIL = '00000000-0000-0000-0000-000000000000';

export const PIM_RESOURCE_TYPES = ['product', 'variant', 'media', 'category', 'brand', 'attribute', 'attribute_group', 'template', 'export', 'bulk_job'];

@Injectable()
export class InsightsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    readonly audit: AuditService,
  ) {}

  private checks(code?: string, severity?: Severity): Check[] {
    if (code && !VALIDATION_CHECKS.some((c) => c.code === code)) {
      throw new ValidationFailedError(`code must be one of ${VALIDATION_CHECKS.map((c) => c.code).join(', ')}`, [
        { field: 'code', message: 'unknown validation code' },
      ]);
    }
    return VALIDATION_CHECKS.filter((c) => (!code || c.code === code) && (!severity || c.severity === severity));
  }

  private union(checks: Check[]): string {
    return checks.map((c) => `SELECT '${c.code}'::text AS code, '${c.severity}'::text AS severity, x.* FROM (${c.sql}) x`).join('\nUNION ALL\n');
  }

  /** Keyset over (code, product_id, variant_id); the cursor is opaque. */
  async validation(ctx: TenantContext, q: { code?: string; severity?: Severity; limit: number; cursor?: string }): Promise<Page<ValidationIssue>> {
    const checks = this.checks(q.code, q.severity);
    if (!checks.length) return { items: [] };
    const p = new Params();
    p.add(ctx.tenantId);
    let after = '';
    if (q.cursor) {
      let c: unknown;
      try {
        c = JSON.parse(Buffer.from(q.cursor, 'base64url').toString());
      } catch {
        c = undefined;
      }
      if (!Array.isArray(c) || c.length !== 3 || !c.every((x) => typeof x === 'string')) {
        throw new ValidationFailedError('cursor is invalid', [{ field: 'cursor', message: 'cursor is invalid' }]);
      }
      after = `WHERE (i.code, i.product_id, COALESCE(i.variant_id, '${NIL}'::uuid)) > (${p.add(c[0])}::text, ${p.add(c[1])}::uuid, ${p.add(c[2])}::uuid)`;
    }
    const rows: ValidationIssue[] = await this.db.query(
      `SELECT i.product_id, i.variant_id, i.code, i.message, i.severity FROM (${this.union(checks)}) i ${after}
        ORDER BY i.code, i.product_id, COALESCE(i.variant_id, '${NIL}'::uuid) LIMIT ${p.add(q.limit + 1)}`,
      p.values,
    );
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: more && last ? Buffer.from(JSON.stringify([last.code, last.product_id, last.variant_id ?? NIL])).toString('base64url') : undefined,
    };
  }

  async stats(ctx: TenantContext) {
    const [row]: Record<string, number>[] = await this.db.query(
      `SELECT
         (SELECT count(*) FROM products WHERE tenant_id = $1)::int AS products,
         (SELECT count(*) FROM products WHERE tenant_id = $1 AND status = 'ACTIVE')::int AS active,
         (SELECT count(*) FROM products WHERE tenant_id = $1 AND status = 'DRAFT')::int AS draft,
         (SELECT count(*) FROM products WHERE tenant_id = $1 AND status = 'ARCHIVED')::int AS archived,
         (SELECT count(*) FROM variants WHERE tenant_id = $1)::int AS variants,
         (SELECT count(*) FROM brands WHERE tenant_id = $1)::int AS brands,
         (SELECT count(*) FROM categories WHERE tenant_id = $1)::int AS categories,
         (SELECT count(*) FROM attributes WHERE tenant_id = $1)::int AS attributes,
         (SELECT count(*) FROM attribute_groups WHERE tenant_id = $1)::int AS attribute_groups,
         (SELECT count(*) FROM product_templates WHERE tenant_id = $1)::int AS templates,
         (SELECT count(*) FROM media WHERE tenant_id = $1)::int AS media,
         (SELECT count(*) FROM (${this.union(VALIDATION_CHECKS)}) i)::int AS validation_issues,
         (SELECT pl.product_limit FROM tenants t JOIN plans pl ON pl.code = t.plan WHERE t.id = $1) AS product_limit`,
      [ctx.tenantId],
    );
    return {
      products: row.products,
      products_by_status: { ACTIVE: row.active, DRAFT: row.draft, ARCHIVED: row.archived },
      variants: row.variants,
      brands: row.brands,
      categories: row.categories,
      attributes: row.attributes,
      attribute_groups: row.attribute_groups,
      templates: row.templates,
      media: row.media,
      validation_issues: row.validation_issues,
      plan_product_limit: row.product_limit,
    };
  }
}
