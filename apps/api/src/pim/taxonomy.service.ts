import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext } from '@synq/common';
import { isUniqueViolation, queryRows } from '@synq/database';
import { CreateBrandDto, CreateCategoryDto, UpdateBrandDto, UpdateCategoryDto } from './dto/taxonomy.dto';
import { CategoryCycleError, InUseError, SlugTakenError } from './pim.errors';

export interface CategoryView {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  parentId: string | null;
  path: string;
  depth: number;
  product_count: number;
  created_at: string;
  updated_at: string;
}

export interface BrandView {
  id: string;
  name: string;
  description: string | null;
  logoUrl: string | null;
  created_at: string;
  updated_at: string;
}

type Row<V> = V & { created_at_ts: Date };
const strip = <V>({ created_at_ts: _, ...v }: Row<V>): V => v as V;

/** `path` in the API is the chain of slugs from the root ("apparel/outerwear"). */
const CATEGORY_SELECT = `
SELECT c.id, c.name, c.slug, c.description, c.parent_id AS "parentId", c.depth,
       (SELECT string_agg(a.slug, '/' ORDER BY a.depth) FROM categories a
         WHERE a.tenant_id = c.tenant_id AND a.id::text = ANY(string_to_array(c.path, '/'))) AS path,
       (SELECT count(*) FROM products p WHERE p.tenant_id = c.tenant_id AND p.category_id = c.id)::int AS product_count,
       ${isoSql('c.created_at')} AS created_at, ${isoSql('c.updated_at')} AS updated_at, c.created_at AS created_at_ts
  FROM categories c`;

const BRAND_SELECT = `
SELECT b.id, b.name, b.description, b.logo_url AS "logoUrl",
       ${isoSql('b.created_at')} AS created_at, ${isoSql('b.updated_at')} AS updated_at, b.created_at AS created_at_ts
  FROM brands b`;

/** Categories (a tree without cycles) and brands. */
@Injectable()
export class TaxonomyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  // ---------------------------------------------------------------- categories

  async listCategories(ctx: TenantContext, limit: number, cursor?: string): Promise<Page<CategoryView>> {
    const p = new Params();
    const rows: Row<CategoryView>[] = await this.db.query(
      `${CATEGORY_SELECT} WHERE c.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, 'c', cursor)} ORDER BY c.created_at, c.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, strip);
  }

  async getCategory(ctx: TenantContext, id: string, m: EntityManager = this.db.manager): Promise<CategoryView> {
    const rows: Row<CategoryView>[] = await m.query(`${CATEGORY_SELECT} WHERE c.tenant_id = $1 AND c.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Category', id);
    return strip(rows[0]);
  }

  async createCategory(ctx: TenantContext, dto: CreateCategoryDto): Promise<CategoryView> {
    const id = await this.db.transaction(async (m) => {
      let parentPath = '';
      let depth = 0;
      if (dto.parentId) {
        const parent = await this.lockCategory(m, ctx, dto.parentId, 'Parent category');
        parentPath = `${parent.path}/`;
        depth = parent.depth + 1;
      }
      let rows: { id: string }[];
      try {
        rows = await m.query(
          `INSERT INTO categories (tenant_id, name, slug, description, parent_id, path, depth)
           VALUES ($1, $2, $3, $4, $5, '', $6) RETURNING id`,
          [ctx.tenantId, dto.name, dto.slug, dto.description ?? null, dto.parentId ?? null, depth],
        );
      } catch (err) {
        if (isUniqueViolation(err, 'uq_categories_tenant_slug')) throw new SlugTakenError('category', dto.slug);
        throw err;
      }
      const newId = rows[0].id;
      await m.query(`UPDATE categories SET path = $2 WHERE id = $1`, [newId, `${parentPath}${newId}`]);
      await this.audit.record(m, ctx, {
        action: 'category.created',
        resourceType: 'category',
        resourceId: newId,
        after: { name: dto.name, slug: dto.slug, description: dto.description ?? null, parentId: dto.parentId ?? null },
      });
      return newId;
    });
    return this.getCategory(ctx, id);
  }

  async updateCategory(ctx: TenantContext, id: string, dto: UpdateCategoryDto): Promise<CategoryView> {
    await this.db.transaction(async (m) => {
      const cat = await this.lockCategory(m, ctx, id, 'Category');
      const before = { name: cat.name, slug: cat.slug, description: cat.description, parentId: cat.parent_id };
      if (dto.parentId !== undefined && dto.parentId !== cat.parent_id) {
        let newPrefix = '';
        let newDepth = 0;
        if (dto.parentId) {
          const parent = await this.lockCategory(m, ctx, dto.parentId, 'Parent category');
          if (parent.id === id || parent.path.split('/').includes(id)) throw new CategoryCycleError();
          newPrefix = `${parent.path}/`;
          newDepth = parent.depth + 1;
        }
        // move the subtree: rewrite the path prefix and depth of the category and every descendant
        await m.query(
          `UPDATE categories SET path = $3 || substr(path, length($2) + 1), depth = depth + $4, updated_at = now()
            WHERE tenant_id = $1 AND (path = $2 OR path LIKE $2 || '/%')`,
          [ctx.tenantId, cat.path, `${newPrefix}${id}`, newDepth - cat.depth],
        );
        await m.query(`UPDATE categories SET parent_id = $3 WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id, dto.parentId]);
      }
      try {
        await m.query(
          `UPDATE categories SET name = COALESCE($3, name), slug = COALESCE($4, slug),
                  description = CASE WHEN $5::boolean THEN $6 ELSE description END, updated_at = now()
            WHERE tenant_id = $1 AND id = $2`,
          [ctx.tenantId, id, dto.name ?? null, dto.slug ?? null, dto.description !== undefined, dto.description ?? null],
        );
      } catch (err) {
        if (isUniqueViolation(err, 'uq_categories_tenant_slug')) throw new SlugTakenError('category', String(dto.slug));
        throw err;
      }
      await this.audit.record(m, ctx, {
        action: 'category.updated',
        resourceType: 'category',
        resourceId: id,
        before,
        after: {
          name: dto.name ?? cat.name,
          slug: dto.slug ?? cat.slug,
          description: dto.description !== undefined ? dto.description : cat.description,
          parentId: dto.parentId !== undefined ? dto.parentId : cat.parent_id,
        },
      });
    });
    return this.getCategory(ctx, id);
  }

  /** Refuses while children or products depend on it, unless they are reassigned to another category. */
  async deleteCategory(ctx: TenantContext, id: string, reassignTo?: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const cat = await this.lockCategory(m, ctx, id, 'Category');
      const [{ children, products }]: { children: number; products: number }[] = await m.query(
        `SELECT (SELECT count(*) FROM categories WHERE tenant_id = $1 AND parent_id = $2)::int AS children,
                (SELECT count(*) FROM products WHERE tenant_id = $1 AND category_id = $2)::int AS products`,
        [ctx.tenantId, id],
      );
      if ((children || products) && !reassignTo) {
        throw new InUseError(
          `Category has ${children} subcategories and ${products} products: pass ?reassign_to=<category id> to move them first`,
          'CATEGORY_IN_USE',
        );
      }
      if (reassignTo && (children || products)) {
        const target = await this.lockCategory(m, ctx, reassignTo, 'Target category');
        if (target.id === id || target.path.split('/').includes(id)) throw new CategoryCycleError();
        // children move under the target with their subtrees
        const kids: { id: string; path: string; depth: number }[] = await m.query(
          `SELECT id, path, depth FROM categories WHERE tenant_id = $1 AND parent_id = $2`,
          [ctx.tenantId, id],
        );
        for (const kid of kids) {
          await m.query(
            `UPDATE categories SET path = $3 || substr(path, length($2) + 1), depth = depth + $4, updated_at = now()
              WHERE tenant_id = $1 AND (path = $2 OR path LIKE $2 || '/%')`,
            [ctx.tenantId, kid.path, `${target.path}/${kid.id}`, target.depth + 1 - kid.depth],
          );
        }
        await m.query(`UPDATE categories SET parent_id = $3 WHERE tenant_id = $1 AND parent_id = $2`, [ctx.tenantId, id, target.id]);
        await m.query(`UPDATE products SET category_id = $3, updated_at = now() WHERE tenant_id = $1 AND category_id = $2`, [ctx.tenantId, id, target.id]);
      }
      await m.query(`DELETE FROM categories WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
      await this.audit.record(m, ctx, {
        action: 'category.deleted',
        resourceType: 'category',
        resourceId: id,
        before: { name: cat.name, slug: cat.slug, parentId: cat.parent_id },
        after: reassignTo ? { reassigned_to: reassignTo, children, products } : null,
      });
    });
  }

  private async lockCategory(m: EntityManager, ctx: TenantContext, id: string, label: string) {
    const rows: { id: string; name: string; slug: string; description: string | null; parent_id: string | null; path: string; depth: number }[] =
      await m.query(`SELECT id, name, slug, description, parent_id, path, depth FROM categories WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
        ctx.tenantId,
        id,
      ]);
    if (!rows[0]) throw new NotFoundError(label, id);
    return rows[0];
  }

  // ---------------------------------------------------------------- brands

  async listBrands(ctx: TenantContext, limit: number, cursor?: string): Promise<Page<BrandView>> {
    const p = new Params();
    const rows: Row<BrandView>[] = await this.db.query(
      `${BRAND_SELECT} WHERE b.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, 'b', cursor)} ORDER BY b.created_at, b.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, strip);
  }

  async getBrand(ctx: TenantContext, id: string): Promise<BrandView> {
    const rows: Row<BrandView>[] = await this.db.query(`${BRAND_SELECT} WHERE b.tenant_id = $1 AND b.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Brand', id);
    return strip(rows[0]);
  }

  async createBrand(ctx: TenantContext, dto: CreateBrandDto): Promise<BrandView> {
    const id = await this.db.transaction(async (m) => {
      const rows: { id: string }[] = await m.query(
        `INSERT INTO brands (tenant_id, name, description, logo_url) VALUES ($1, $2, $3, $4) RETURNING id`,
        [ctx.tenantId, dto.name, dto.description ?? null, dto.logoUrl ?? null],
      );
      await this.audit.record(m, ctx, { action: 'brand.created', resourceType: 'brand', resourceId: rows[0].id, after: { ...dto } });
      return rows[0].id;
    });
    return this.getBrand(ctx, id);
  }

  async updateBrand(ctx: TenantContext, id: string, dto: UpdateBrandDto): Promise<BrandView> {
    await this.db.transaction(async (m) => {
      const rows: { name: string; description: string | null; logo_url: string | null }[] = await m.query(
        `SELECT name, description, logo_url FROM brands WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [ctx.tenantId, id],
      );
      if (!rows[0]) throw new NotFoundError('Brand', id);
      const b = rows[0];
      const after = {
        name: dto.name ?? b.name,
        description: dto.description !== undefined ? dto.description : b.description,
        logoUrl: dto.logoUrl !== undefined ? dto.logoUrl : b.logo_url,
      };
      await m.query(`UPDATE brands SET name = $3, description = $4, logo_url = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        id,
        after.name,
        after.description,
        after.logoUrl,
      ]);
      await this.audit.record(m, ctx, {
        action: 'brand.updated',
        resourceType: 'brand',
        resourceId: id,
        before: { name: b.name, description: b.description, logoUrl: b.logo_url },
        after,
      });
    });
    return this.getBrand(ctx, id);
  }

  /** Products of a deleted brand keep existing without a brand. */
  async deleteBrand(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = await queryRows<{ name: string }>(m, `DELETE FROM brands WHERE tenant_id = $1 AND id = $2 RETURNING name`, [ctx.tenantId, id]);
      if (!rows[0]) throw new NotFoundError('Brand', id);
      await this.audit.record(m, ctx, { action: 'brand.deleted', resourceType: 'brand', resourceId: id, before: { name: rows[0].name } });
    });
  }
}
