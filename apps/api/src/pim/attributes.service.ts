import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { isoSql, keysetAfter, NotFoundError, Page, Params, rowsToPage, TenantContext, ValidationFailedError } from '@synq/common';
import { AttributeType, isUniqueViolation, queryRows } from '@synq/database';
import { slugify } from '@synq/pim';
import {
  CreateAttributeDto,
  CreateAttributeGroupDto,
  CreateTemplateDto,
  TemplateAttributeDto,
  UpdateAttributeDto,
  UpdateAttributeGroupDto,
  UpdateTemplateDto,
} from './dto/taxonomy.dto';
import { InUseError, SlugTakenError } from './pim.errors';

export interface AttributeView {
  id: string;
  name: string;
  slug: string;
  type: AttributeType;
  options: string[];
  created_at: string;
  updated_at: string;
}

type Row<V> = V & { created_at_ts: Date };
const strip = <V>({ created_at_ts: _, ...v }: Row<V>): V => v as V;

const ATTRIBUTE_SELECT = `
SELECT a.id, a.name, a.slug, a.type, a.options,
       ${isoSql('a.created_at')} AS created_at, ${isoSql('a.updated_at')} AS updated_at, a.created_at AS created_at_ts
  FROM attributes a`;

const GROUP_SELECT = `
SELECT g.id, g.name, g.slug, g.description,
       COALESCE((SELECT json_agg(json_build_object('id', a.id, 'slug', a.slug, 'name', a.name, 'type', a.type) ORDER BY ga.position)
                   FROM attribute_group_attributes ga JOIN attributes a ON a.id = ga.attribute_id
                  WHERE ga.group_id = g.id), '[]'::json) AS attributes,
       ${isoSql('g.created_at')} AS created_at, ${isoSql('g.updated_at')} AS updated_at, g.created_at AS created_at_ts
  FROM attribute_groups g`;

const TEMPLATE_SELECT = `
SELECT t.id, t.name, t.slug, t.description,
       COALESCE((SELECT json_agg(json_build_object('attribute_id', a.id, 'slug', a.slug, 'name', a.name, 'type', a.type, 'required', ta.required)
                          ORDER BY ta.position)
                   FROM product_template_attributes ta JOIN attributes a ON a.id = ta.attribute_id
                  WHERE ta.template_id = t.id), '[]'::json) AS attributes,
       ${isoSql('t.created_at')} AS created_at, ${isoSql('t.updated_at')} AS updated_at, t.created_at AS created_at_ts
  FROM product_templates t`;

/** Attributes, attribute groups (ordered sets) and product templates (which attributes, which required). */
@Injectable()
export class AttributesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async page<V extends { id: string }>(select: string, alias: string, ctx: TenantContext, limit: number, cursor?: string): Promise<Page<V>> {
    const p = new Params();
    const rows: Row<V>[] = await this.db.query(
      `${select} WHERE ${alias}.tenant_id = ${p.add(ctx.tenantId)}${keysetAfter(p, alias, cursor)} ORDER BY ${alias}.created_at, ${alias}.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return rowsToPage(rows, limit, strip);
  }

  private async one<V>(select: string, alias: string, ctx: TenantContext, id: string, label: string, m: EntityManager = this.db.manager): Promise<V> {
    const rows: Row<V>[] = await m.query(`${select} WHERE ${alias}.tenant_id = $1 AND ${alias}.id = $2`, [ctx.tenantId, id]);
    if (!rows[0]) throw new NotFoundError(label, id);
    return strip(rows[0]);
  }

  // ---------------------------------------------------------------- attributes

  listAttributes(ctx: TenantContext, limit: number, cursor?: string) {
    return this.page<AttributeView>(ATTRIBUTE_SELECT, 'a', ctx, limit, cursor);
  }

  getAttribute(ctx: TenantContext, id: string) {
    return this.one<AttributeView>(ATTRIBUTE_SELECT, 'a', ctx, id, 'Attribute');
  }

  async createAttribute(ctx: TenantContext, dto: CreateAttributeDto): Promise<AttributeView> {
    const type = dto.type ?? 'TEXT';
    this.checkOptions(type, dto.options);
    const id = await this.db.transaction(async (m) => {
      let rows: { id: string }[];
      try {
        rows = await m.query(`INSERT INTO attributes (tenant_id, name, slug, type, options) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id`, [
          ctx.tenantId,
          dto.name,
          dto.slug,
          type,
          JSON.stringify(type === 'SELECT' ? dto.options : []),
        ]);
      } catch (err) {
        if (isUniqueViolation(err, 'uq_attributes_tenant_slug')) throw new SlugTakenError('attribute', dto.slug);
        throw err;
      }
      await this.audit.record(m, ctx, { action: 'attribute.created', resourceType: 'attribute', resourceId: rows[0].id, after: { ...dto, type } });
      return rows[0].id;
    });
    return this.getAttribute(ctx, id);
  }

  async updateAttribute(ctx: TenantContext, id: string, dto: UpdateAttributeDto): Promise<AttributeView> {
    await this.db.transaction(async (m) => {
      const rows: { name: string; type: AttributeType; options: string[]; slug: string }[] = await m.query(
        `SELECT name, type, options, slug FROM attributes WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [ctx.tenantId, id],
      );
      if (!rows[0]) throw new NotFoundError('Attribute', id);
      const a = rows[0];
      if (dto.options !== undefined) {
        this.checkOptions(a.type, dto.options);
        // an option still used by a product cannot disappear
        const removed = a.options.filter((o) => !dto.options!.includes(o));
        if (removed.length) {
          const used: { n: number }[] = await m.query(
            `SELECT count(*)::int AS n FROM products WHERE tenant_id = $1 AND attributes->>$2 = ANY($3::text[])`,
            [ctx.tenantId, a.slug, removed],
          );
          if (used[0].n > 0) throw new InUseError(`Options ${removed.join(', ')} are used by ${used[0].n} products`, 'ATTRIBUTE_OPTION_IN_USE');
        }
      }
      const after = { name: dto.name ?? a.name, options: dto.options ?? a.options };
      await m.query(`UPDATE attributes SET name = $3, options = $4::jsonb, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        id,
        after.name,
        JSON.stringify(after.options),
      ]);
      await this.audit.record(m, ctx, { action: 'attribute.updated', resourceType: 'attribute', resourceId: id, before: { name: a.name, options: a.options }, after });
    });
    return this.getAttribute(ctx, id);
  }

  async deleteAttribute(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows: { slug: string; name: string }[] = await m.query(`SELECT slug, name FROM attributes WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [ctx.tenantId, id]);
      if (!rows[0]) throw new NotFoundError('Attribute', id);
      const [{ templates, products }]: { templates: number; products: number }[] = await m.query(
        `SELECT (SELECT count(*) FROM product_template_attributes WHERE attribute_id = $2)::int AS templates,
                (SELECT count(*) FROM products WHERE tenant_id = $1 AND attributes ? $3)::int AS products`,
        [ctx.tenantId, id, rows[0].slug],
      );
      if (templates || products) {
        throw new InUseError(`Attribute is used by ${templates} templates and ${products} products`, 'ATTRIBUTE_IN_USE');
      }
      await m.query(`DELETE FROM attributes WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
      await this.audit.record(m, ctx, { action: 'attribute.deleted', resourceType: 'attribute', resourceId: id, before: rows[0] });
    });
  }

  private checkOptions(type: AttributeType, options: string[] | undefined): void {
    if (type === 'SELECT' && !options?.length) {
      throw new ValidationFailedError('options must list the allowed values of a SELECT attribute', [{ field: 'options', message: 'options is required for SELECT' }]);
    }
    if (type !== 'SELECT' && options?.length) {
      throw new ValidationFailedError('options only apply to SELECT attributes', [{ field: 'options', message: 'options only apply to SELECT' }]);
    }
  }

  /** Checks that every id is one of the tenant's attributes (404 naming the first missing one). */
  private async assertAttributes(m: EntityManager, ctx: TenantContext, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const rows: { id: string }[] = await m.query(`SELECT id FROM attributes WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ctx.tenantId, ids]);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.find((i) => !found.has(i));
    if (missing) throw new NotFoundError('Attribute', missing);
  }

  // ---------------------------------------------------------------- groups

  listGroups(ctx: TenantContext, limit: number, cursor?: string) {
    return this.page<{ id: string }>(GROUP_SELECT, 'g', ctx, limit, cursor);
  }

  getGroup(ctx: TenantContext, id: string) {
    return this.one<Record<string, unknown>>(GROUP_SELECT, 'g', ctx, id, 'Attribute group');
  }

  async createGroup(ctx: TenantContext, dto: CreateAttributeGroupDto) {
    const slug = dto.slug ?? slugify(dto.name, 100);
    const id = await this.db.transaction(async (m) => {
      await this.assertAttributes(m, ctx, dto.attribute_ids ?? []);
      let rows: { id: string }[];
      try {
        rows = await m.query(`INSERT INTO attribute_groups (tenant_id, name, slug, description) VALUES ($1, $2, $3, $4) RETURNING id`, [
          ctx.tenantId,
          dto.name,
          slug,
          dto.description ?? null,
        ]);
      } catch (err) {
        if (isUniqueViolation(err, 'uq_attribute_groups_tenant_slug')) throw new SlugTakenError('attribute group', slug);
        throw err;
      }
      await this.setGroupAttributes(m, rows[0].id, dto.attribute_ids ?? []);
      await this.audit.record(m, ctx, { action: 'attribute_group.created', resourceType: 'attribute_group', resourceId: rows[0].id, after: { ...dto, slug } });
      return rows[0].id;
    });
    return this.getGroup(ctx, id);
  }

  async updateGroup(ctx: TenantContext, id: string, dto: UpdateAttributeGroupDto) {
    await this.db.transaction(async (m) => {
      const rows: { name: string; description: string | null }[] = await m.query(
        `SELECT name, description FROM attribute_groups WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [ctx.tenantId, id],
      );
      if (!rows[0]) throw new NotFoundError('Attribute group', id);
      if (dto.attribute_ids) {
        await this.assertAttributes(m, ctx, dto.attribute_ids);
        await this.setGroupAttributes(m, id, dto.attribute_ids);
      }
      const after = { name: dto.name ?? rows[0].name, description: dto.description !== undefined ? dto.description : rows[0].description };
      await m.query(`UPDATE attribute_groups SET name = $3, description = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        id,
        after.name,
        after.description,
      ]);
      await this.audit.record(m, ctx, {
        action: 'attribute_group.updated',
        resourceType: 'attribute_group',
        resourceId: id,
        before: rows[0],
        after: { ...after, ...(dto.attribute_ids ? { attribute_ids: dto.attribute_ids } : {}) },
      });
    });
    return this.getGroup(ctx, id);
  }

  async deleteGroup(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = await queryRows<{ name: string }>(m, `DELETE FROM attribute_groups WHERE tenant_id = $1 AND id = $2 RETURNING name`, [ctx.tenantId, id]);
      if (!rows[0]) throw new NotFoundError('Attribute group', id);
      await this.audit.record(m, ctx, { action: 'attribute_group.deleted', resourceType: 'attribute_group', resourceId: id, before: rows[0] });
    });
  }

  private async setGroupAttributes(m: EntityManager, groupId: string, ids: string[]): Promise<void> {
    await m.query(`DELETE FROM attribute_group_attributes WHERE group_id = $1`, [groupId]);
    if (ids.length) {
      await m.query(
        `INSERT INTO attribute_group_attributes (group_id, attribute_id, position)
         SELECT $1, a.id, a.ord - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS a(id, ord)`,
        [groupId, ids],
      );
    }
  }

  // ---------------------------------------------------------------- templates

  listTemplates(ctx: TenantContext, limit: number, cursor?: string) {
    return this.page<{ id: string }>(TEMPLATE_SELECT, 't', ctx, limit, cursor);
  }

  getTemplate(ctx: TenantContext, id: string) {
    return this.one<Record<string, unknown>>(TEMPLATE_SELECT, 't', ctx, id, 'Template');
  }

  async createTemplate(ctx: TenantContext, dto: CreateTemplateDto) {
    const slug = dto.slug ?? slugify(dto.name, 100);
    const id = await this.db.transaction(async (m) => {
      const attrs = this.dedupe(dto.attributes ?? []);
      await this.assertAttributes(m, ctx, attrs.map((a) => a.attribute_id));
      let rows: { id: string }[];
      try {
        rows = await m.query(`INSERT INTO product_templates (tenant_id, name, slug, description) VALUES ($1, $2, $3, $4) RETURNING id`, [
          ctx.tenantId,
          dto.name,
          slug,
          dto.description ?? null,
        ]);
      } catch (err) {
        if (isUniqueViolation(err, 'uq_product_templates_tenant_slug')) throw new SlugTakenError('template', slug);
        throw err;
      }
      await this.setTemplateAttributes(m, rows[0].id, attrs);
      await this.audit.record(m, ctx, { action: 'template.created', resourceType: 'template', resourceId: rows[0].id, after: { ...dto, slug } });
      return rows[0].id;
    });
    return this.getTemplate(ctx, id);
  }

  async updateTemplate(ctx: TenantContext, id: string, dto: UpdateTemplateDto) {
    await this.db.transaction(async (m) => {
      const rows: { name: string; description: string | null }[] = await m.query(
        `SELECT name, description FROM product_templates WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [ctx.tenantId, id],
      );
      if (!rows[0]) throw new NotFoundError('Template', id);
      if (dto.attributes) {
        const attrs = this.dedupe(dto.attributes);
        await this.assertAttributes(m, ctx, attrs.map((a) => a.attribute_id));
        await this.setTemplateAttributes(m, id, attrs);
      }
      const after = { name: dto.name ?? rows[0].name, description: dto.description !== undefined ? dto.description : rows[0].description };
      await m.query(`UPDATE product_templates SET name = $3, description = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        ctx.tenantId,
        id,
        after.name,
        after.description,
      ]);
      await this.audit.record(m, ctx, {
        action: 'template.updated',
        resourceType: 'template',
        resourceId: id,
        before: rows[0],
        after: { ...after, ...(dto.attributes ? { attributes: dto.attributes } : {}) },
      });
    });
    return this.getTemplate(ctx, id);
  }

  /** Products of a deleted template keep their attribute values and lose the template. */
  async deleteTemplate(ctx: TenantContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = await queryRows<{ name: string }>(m, `DELETE FROM product_templates WHERE tenant_id = $1 AND id = $2 RETURNING name`, [ctx.tenantId, id]);
      if (!rows[0]) throw new NotFoundError('Template', id);
      await this.audit.record(m, ctx, { action: 'template.deleted', resourceType: 'template', resourceId: id, before: rows[0] });
    });
  }

  private dedupe(attrs: TemplateAttributeDto[]): TemplateAttributeDto[] {
    const seen = new Set<string>();
    return attrs.filter((a) => (seen.has(a.attribute_id) ? false : (seen.add(a.attribute_id), true)));
  }

  private async setTemplateAttributes(m: EntityManager, templateId: string, attrs: TemplateAttributeDto[]): Promise<void> {
    await m.query(`DELETE FROM product_template_attributes WHERE template_id = $1`, [templateId]);
    if (attrs.length) {
      await m.query(
        `INSERT INTO product_template_attributes (template_id, attribute_id, required, position)
         SELECT $1, a.id, a.req, a.ord - 1 FROM unnest($2::uuid[], $3::boolean[]) WITH ORDINALITY AS a(id, req, ord)`,
        [templateId, attrs.map((a) => a.attribute_id), attrs.map((a) => a.required ?? false)],
      );
    }
  }
}
