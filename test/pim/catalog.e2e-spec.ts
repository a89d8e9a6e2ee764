import { registerAccount, TestAccount } from '../helpers/accounts';
import { startStack, Stack } from '../helpers/stack';

describe('PIM catalog: categories, brands, attributes, templates, media, stats, validation, audit', () => {
  let stack: Stack;
  let a: TestAccount;
  let b: TestAccount;
  beforeAll(async () => {
    stack = await startStack();
    a = await registerAccount(stack, 'Catalog A');
    b = await registerAccount(stack, 'Catalog B');
  });
  afterAll(async () => stack.stop());

  const post = (acct: TestAccount, path: string, body: unknown) => stack.http.post(path).set(acct.headers).send(body as object);
  const put = (acct: TestAccount, path: string, body: unknown) => stack.http.put(path).set(acct.headers).send(body as object);

  describe('categories', () => {
    it('builds a tree with paths and depths, refuses cycles and duplicate slugs', async () => {
      const root = await post(a, '/api/v1/pim/categories', { name: 'Apparel', slug: 'apparel-root', description: 'Clothes' });
      expect(root.status).toBe(201);
      expect(root.body).toMatchObject({ name: 'Apparel', slug: 'apparel-root', parentId: null, path: 'apparel-root', depth: 0 });
      const outer = await post(a, '/api/v1/pim/categories', { name: 'Outerwear', slug: 'outerwear', description: 'Jackets, coats, and sweaters.', parentId: root.body.id });
      expect(outer.body).toMatchObject({ parentId: root.body.id, path: 'apparel-root/outerwear', depth: 1 });
      const parkas = await post(a, '/api/v1/pim/categories', { name: 'Parkas', slug: 'parkas', parentId: outer.body.id });
      expect(parkas.body).toMatchObject({ path: 'apparel-root/outerwear/parkas', depth: 2 });

      expect((await post(a, '/api/v1/pim/categories', { name: 'Dup', slug: 'parkas' })).status).toBe(409);
      expect((await post(b, '/api/v1/pim/categories', { name: 'Same slug other tenant', slug: 'parkas' })).status).toBe(201);
      const badSlug = await post(a, '/api/v1/pim/categories', { name: 'x', slug: 'Mens Outerwear' });
      expect(badSlug.status).toBe(400);
      expect(badSlug.body.details[0].field).toBe('slug');
      expect((await post(a, '/api/v1/pim/categories', { name: 'x', slug: 'x', parentId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

      const cycle = await put(a, `/api/v1/pim/categories/${root.body.id}`, { parentId: parkas.body.id });
      expect(cycle.status).toBe(400);
      expect(cycle.body.code).toBe('CATEGORY_CYCLE');
      expect((await put(a, `/api/v1/pim/categories/${root.body.id}`, { parentId: root.body.id })).status).toBe(400);

      // move outerwear (with parkas) to the root
      const moved = await put(a, `/api/v1/pim/categories/${outer.body.id}`, { parentId: null, name: 'Outer' });
      expect(moved.body).toMatchObject({ name: 'Outer', parentId: null, path: 'outerwear', depth: 0 });
      const parkasNow = await stack.http.get(`/api/v1/pim/categories/${parkas.body.id}`).set(a.headers);
      expect(parkasNow.body).toMatchObject({ path: 'outerwear/parkas', depth: 1 });

      const list = await stack.http.get('/api/v1/pim/categories').set(a.headers);
      expect(list.body.map((c: { slug: string }) => c.slug)).toEqual(['apparel-root', 'outerwear', 'parkas']);
      expect((await stack.http.get(`/api/v1/pim/categories/${parkas.body.id}`).set(b.headers)).status).toBe(404);
    });

    it('refuses to delete a category with children or products unless they are reassigned', async () => {
      const top = await post(a, '/api/v1/pim/categories', { name: 'Top', slug: 'top' });
      const kid = await post(a, '/api/v1/pim/categories', { name: 'Kid', slug: 'kid', parentId: top.body.id });
      const other = await post(a, '/api/v1/pim/categories', { name: 'Other', slug: 'other' });
      const p = await post(a, '/api/v1/pim/products', { title: 'In top', category: 'top' });
      const refused = await stack.http.delete(`/api/v1/pim/categories/${top.body.id}`).set(a.headers);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('CATEGORY_IN_USE');
      expect((await stack.http.delete(`/api/v1/pim/categories/${top.body.id}?reassign_to=${kid.body.id}`).set(a.headers)).status).toBe(400);
      const ok = await stack.http.delete(`/api/v1/pim/categories/${top.body.id}?reassign_to=${other.body.id}`).set(a.headers);
      expect(ok.status).toBe(204);
      expect((await stack.http.get(`/api/v1/pim/products/${p.body.id}`).set(a.headers)).body.category).toBe('other');
      expect((await stack.http.get(`/api/v1/pim/categories/${kid.body.id}`).set(a.headers)).body).toMatchObject({ parentId: other.body.id, path: 'other/kid', depth: 1 });
      expect((await stack.http.delete(`/api/v1/pim/categories/${kid.body.id}`).set(b.headers)).status).toBe(404);
    });
  });

  describe('brands', () => {
    it('creates as documented and supports get, update, delete', async () => {
      const res = await post(a, '/api/v1/pim/brands', { name: 'Nordvik', description: 'Scandinavian outdoor apparel.', logoUrl: 'https://cdn.example.com/nordvik-logo.png' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Nordvik', description: 'Scandinavian outdoor apparel.', logoUrl: 'https://cdn.example.com/nordvik-logo.png' });
      expect((await post(a, '/api/v1/pim/brands', { name: 'x', logoUrl: 'javascript:alert(1)' })).status).toBe(400);
      const upd = await put(a, `/api/v1/pim/brands/${res.body.id}`, { description: null });
      expect(upd.body).toMatchObject({ name: 'Nordvik', description: null });
      expect((await stack.http.get(`/api/v1/pim/brands/${res.body.id}`).set(b.headers)).status).toBe(404);
      expect((await put(b, `/api/v1/pim/brands/${res.body.id}`, { name: 'x' })).status).toBe(404);
      const p = await post(a, '/api/v1/pim/products', { title: 'Branded', brand_id: res.body.id });
      expect(p.body.brand_id).toBe(res.body.id);
      expect((await post(b, '/api/v1/pim/products', { title: 'Steal brand', brand_id: res.body.id })).status).toBe(404);
      expect((await stack.http.delete(`/api/v1/pim/brands/${res.body.id}`).set(a.headers)).status).toBe(204);
      expect((await stack.http.get(`/api/v1/pim/products/${p.body.id}`).set(a.headers)).body.brand_id).toBeNull();
    });
  });

  describe('attributes, groups and templates', () => {
    it('types attribute values and names the bad one', async () => {
      const color = await post(a, '/api/v1/pim/attributes', { name: 'Color', slug: 'color', type: 'TEXT' });
      expect(color.status).toBe(201);
      expect(color.body).toMatchObject({ name: 'Color', slug: 'color', type: 'TEXT', options: [] });
      const def = await post(a, '/api/v1/pim/attributes', { name: 'Material', slug: 'material' });
      expect(def.body.type).toBe('TEXT');
      const weight = await post(a, '/api/v1/pim/attributes', { name: 'Weight', slug: 'weight', type: 'NUMBER' });
      const size = await post(a, '/api/v1/pim/attributes', { name: 'Fit', slug: 'fit', type: 'SELECT', options: ['slim', 'regular'] });
      const organic = await post(a, '/api/v1/pim/attributes', { name: 'Organic', slug: 'organic', type: 'BOOLEAN' });
      expect((await post(a, '/api/v1/pim/attributes', { name: 'Bad', slug: 'bad', type: 'SELECT' })).status).toBe(400);
      expect((await post(a, '/api/v1/pim/attributes', { name: 'Bad', slug: 'bad', type: 'DATE' })).status).toBe(400);
      expect((await post(a, '/api/v1/pim/attributes', { name: 'Dup', slug: 'color' })).status).toBe(409);

      const bad = await post(a, '/api/v1/pim/products', { title: 'Typed', attributes: { weight: 'abc' } });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([{ field: 'attributes.weight', message: 'attributes.weight must be a number' }]);
      for (const attrs of [{ fit: 'huge' }, { organic: 'yes' }, { nonexistent: 1 }, { color: 5 }]) {
        const r = await post(a, '/api/v1/pim/products', { title: 'Typed', attributes: attrs });
        expect(r.status).toBe(400);
        expect(r.body.details[0].field).toBe(`attributes.${Object.keys(attrs)[0]}`);
      }
      const good = await post(a, '/api/v1/pim/products', { title: 'Typed', attributes: { weight: 0.4, fit: 'slim', organic: true, color: 'blue' } });
      expect(good.status).toBe(201);
      expect(good.body.attributes).toEqual({ weight: 0.4, fit: 'slim', organic: true, color: 'blue' });
      const merged = await put(a, `/api/v1/pim/products/${good.body.id}`, { attributes: { color: null, material: 'merino' } });
      expect(merged.body.attributes).toEqual({ weight: 0.4, fit: 'slim', organic: true, material: 'merino' });
      // attribute slugs of another tenant do not exist here
      expect((await post(b, '/api/v1/pim/products', { title: 'x', attributes: { weight: 1 } })).status).toBe(400);

      const group = await post(a, '/api/v1/pim/attribute-groups', { name: 'Physical', attribute_ids: [weight.body.id, organic.body.id] });
      expect(group.status).toBe(201);
      expect(group.body).toMatchObject({ name: 'Physical', slug: 'physical' });
      expect(group.body.attributes.map((x: { slug: string }) => x.slug)).toEqual(['weight', 'organic']);
      const reordered = await put(a, `/api/v1/pim/attribute-groups/${group.body.id}`, { attribute_ids: [organic.body.id, weight.body.id, size.body.id] });
      expect(reordered.body.attributes.map((x: { slug: string }) => x.slug)).toEqual(['organic', 'weight', 'fit']);
      expect((await post(b, '/api/v1/pim/attribute-groups', { name: 'x', attribute_ids: [weight.body.id] })).status).toBe(404);

      const tpl = await post(a, '/api/v1/pim/templates', {
        name: 'Sweater',
        attributes: [
          { attribute_id: weight.body.id, required: true },
          { attribute_id: def.body.id, required: false },
        ],
      });
      expect(tpl.status).toBe(201);
      expect(tpl.body.attributes).toEqual([
        { attribute_id: weight.body.id, slug: 'weight', name: 'Weight', type: 'NUMBER', required: true },
        { attribute_id: def.body.id, slug: 'material', name: 'Material', type: 'TEXT', required: false },
      ]);
      const inUse = await stack.http.delete(`/api/v1/pim/attributes/${weight.body.id}`).set(a.headers);
      expect(inUse.status).toBe(409);
      const listed = await stack.http.get('/api/v1/pim/templates').set(a.headers);
      expect(listed.body).toHaveLength(1);
      expect((await stack.http.get(`/api/v1/pim/templates/${tpl.body.id}`).set(b.headers)).status).toBe(404);
      expect((await stack.http.get('/api/v1/pim/attributes').set(a.headers)).body.length).toBe(5);
      expect((await stack.http.get('/api/v1/pim/attribute-groups').set(a.headers)).body.length).toBe(1);

      const p = await post(a, '/api/v1/pim/products', { title: 'Needs weight', template_id: tpl.body.id });
      const issues = await stack.http.get('/api/v1/pim/validation?code=TEMPLATE_ATTRIBUTE_MISSING').set(a.headers);
      expect(issues.body).toContainEqual({
        product_id: p.body.id,
        variant_id: null,
        code: 'TEMPLATE_ATTRIBUTE_MISSING',
        severity: 'error',
        message: 'Required attribute "weight" of template "Sweater" is missing',
      });
      await put(a, `/api/v1/pim/products/${p.body.id}`, { attributes: { weight: 1 } });
      const after = await stack.http.get('/api/v1/pim/validation?code=TEMPLATE_ATTRIBUTE_MISSING').set(a.headers);
      expect(after.body.find((i: { product_id: string }) => i.product_id === p.body.id)).toBeUndefined();
    });
  });

  describe('media', () => {
    it('attaches to exactly one product or variant, lists by sort_order, updates and deletes', async () => {
      const p = await post(a, '/api/v1/pim/products', { title: 'Photo product', variants: [{ sku: 'PH-1', price: 1 }] });
      const vid = p.body.variants[0].id;
      const m2 = await post(a, '/api/v1/pim/media', { product_id: p.body.id, url: 'https://cdn.example.com/back.jpg', sort_order: 2 });
      const m1 = await post(a, '/api/v1/pim/media', {
        product_id: p.body.id,
        url: 'https://cdn.example.com/wool-sweater-front.jpg',
        alt_text: 'Classic Wool Sweater — front view',
        sort_order: 1,
      });
      expect(m1.status).toBe(201);
      expect(m1.body).toMatchObject({ product_id: p.body.id, variant_id: null, alt_text: 'Classic Wool Sweater — front view', sort_order: 1 });
      const mv = await post(a, '/api/v1/pim/media', { variant_id: vid, url: 'https://cdn.example.com/variant.jpg' });
      expect(mv.status).toBe(201);

      expect((await post(a, '/api/v1/pim/media', { url: 'https://x.example/a.jpg' })).status).toBe(400);
      expect((await post(a, '/api/v1/pim/media', { url: 'https://x.example/a.jpg', product_id: p.body.id, variant_id: vid })).status).toBe(400);
      expect((await post(a, '/api/v1/pim/media', { url: 'ftp://x.example/a.jpg', product_id: p.body.id })).status).toBe(400);
      expect((await post(a, '/api/v1/pim/media', { url: 'file:///etc/passwd', product_id: p.body.id })).status).toBe(400);

      const list = await stack.http.get(`/api/v1/pim/media?product_id=${p.body.id}`).set(a.headers);
      expect(list.body.map((m: { id: string }) => m.id)).toEqual([m1.body.id, m2.body.id]);
      const byVariant = await stack.http.get(`/api/v1/pim/media?variant_id=${vid}`).set(a.headers);
      expect(byVariant.body.map((m: { id: string }) => m.id)).toEqual([mv.body.id]);
      const product = await stack.http.get(`/api/v1/pim/products/${p.body.id}`).set(a.headers);
      expect(product.body.media.map((m: { id: string }) => m.id)).toEqual([mv.body.id, m1.body.id, m2.body.id]);

      const upd = await put(a, `/api/v1/pim/media/${m2.body.id}`, { sort_order: 0 });
      expect(upd.body.sort_order).toBe(0);
      expect((await put(b, `/api/v1/pim/media/${m2.body.id}`, { sort_order: 0 })).status).toBe(404);
      expect((await stack.http.get(`/api/v1/pim/media?product_id=${p.body.id}`).set(b.headers)).body).toEqual([]);
      expect((await stack.http.delete(`/api/v1/pim/media/${m2.body.id}`).set(a.headers)).status).toBe(204);
      expect((await stack.http.get(`/api/v1/pim/media/${m2.body.id}`).set(a.headers)).status).toBe(404);
    });
  });

  it('answers 404 for another tenant’s catalog ids on every route', async () => {
    const cat = await post(a, '/api/v1/pim/categories', { name: 'Mine', slug: 'mine-only' });
    const brand = await post(a, '/api/v1/pim/brands', { name: 'Mine' });
    const attr = await post(a, '/api/v1/pim/attributes', { name: 'Mine', slug: 'mine-only' });
    const group = await post(a, '/api/v1/pim/attribute-groups', { name: 'Mine only' });
    const tpl = await post(a, '/api/v1/pim/templates', { name: 'Mine only' });
    const p = await post(a, '/api/v1/pim/products', { title: 'Mine' });
    const media = await post(a, '/api/v1/pim/media', { product_id: p.body.id, url: 'https://cdn.example.com/m.jpg' });
    const routes: [string, string][] = [
      ['categories', cat.body.id],
      ['brands', brand.body.id],
      ['attributes', attr.body.id],
      ['attribute-groups', group.body.id],
      ['templates', tpl.body.id],
      ['media', media.body.id],
    ];
    for (const [path, id] of routes) {
      const results: [string, number][] = [
        ['GET', (await stack.http.get(`/api/v1/pim/${path}/${id}`).set(b.headers)).status],
        ['PUT', (await stack.http.put(`/api/v1/pim/${path}/${id}`).set(b.headers).send({})).status],
        ['PATCH', (await stack.http.patch(`/api/v1/pim/${path}/${id}`).set(b.headers).send({})).status],
        ['DELETE', (await stack.http.delete(`/api/v1/pim/${path}/${id}`).set(b.headers)).status],
      ];
      expect({ path, results }).toEqual({ path, results: results.map(([m]) => [m, 404]) });
      expect((await stack.http.get(`/api/v1/pim/${path}/${id}`).set(a.headers)).status).toBe(200);
    }
    const exp = await post(a, '/api/v1/pim/export', {});
    expect((await stack.http.get(`/api/v1/pim/exports/${exp.body.export_id}`).set(b.headers)).status).toBe(404);
  });

  describe('stats, validation issues and audit', () => {
    it('counts the catalog and computes validation issues set-based', async () => {
      const c = await registerAccount(stack, 'Quality');
      const noMedia = await post(c, '/api/v1/pim/products', {
        title: 'No media',
        variants: [{ sku: 'Q-1' }, { price: 3 }, { sku: 'Q-3', price: 1, barcode: '4006381333931' }],
      });
      const dupBarcode = await post(c, '/api/v1/pim/products', { title: 'Dup barcode', category: 'cat', variants: [{ sku: 'Q-4', price: 1, barcode: '4006381333931' }] });
      await post(c, '/api/v1/pim/media', { product_id: dupBarcode.body.id, url: 'https://cdn.example.com/q.jpg' });
      await post(c, '/api/v1/pim/products', { title: 'Draft', status: 'DRAFT', category: 'cat' });
      // a malformed barcode can only arrive by import: put one in directly
      await stack.db.pool.query(`UPDATE variants SET barcode = '1234567890123' WHERE tenant_id = $1 AND sku = 'Q-1'`, [c.tenantId]);

      const stats = await stack.http.get('/api/v1/pim/stats').set(c.headers);
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({
        products: 3,
        products_by_status: { ACTIVE: 2, DRAFT: 1, ARCHIVED: 0 },
        variants: 4,
        categories: 1,
        brands: 0,
        media: 1,
        validation_issues: expect.any(Number),
      });

      const all = await stack.http.get('/api/v1/pim/validation').set(c.headers);
      const codes = all.body.map((i: { code: string; product_id: string; variant_id: string | null }) => i.code);
      expect(new Set(codes)).toEqual(
        new Set(['BARCODE_DUPLICATE', 'BARCODE_INVALID', 'PRODUCT_WITHOUT_CATEGORY', 'PRODUCT_WITHOUT_MEDIA', 'PRODUCT_WITHOUT_VARIANTS', 'VARIANT_MISSING_PRICE', 'VARIANT_MISSING_SKU']),
      );
      expect(stats.body.validation_issues).toBe(all.body.length);
      const dup = all.body.filter((i: { code: string }) => i.code === 'BARCODE_DUPLICATE');
      expect(dup.map((i: { product_id: string }) => i.product_id).sort()).toEqual([noMedia.body.id, dupBarcode.body.id].sort());
      const errorsOnly = await stack.http.get('/api/v1/pim/validation?severity=error').set(c.headers);
      expect(errorsOnly.body.every((i: { severity: string }) => i.severity === 'error')).toBe(true);
      const paged = await stack.http.get('/api/v1/pim/validation?limit=2').set(c.headers);
      expect(paged.body).toHaveLength(2);
      const link = paged.headers.link as string;
      const next = await stack.http.get(link.slice(1, link.indexOf('>'))).set(c.headers);
      expect(next.body[0]).toEqual(all.body[2]);
      expect((await stack.http.get('/api/v1/pim/validation?code=NOPE').set(c.headers)).status).toBe(400);
      // another tenant sees none of these
      const other = await stack.http.get('/api/v1/pim/validation').set(b.headers);
      expect(other.body.some((i: { product_id: string }) => i.product_id === noMedia.body.id)).toBe(false);
    });

    it('lists PIM audit events with before/after differences', async () => {
      const p = await post(a, '/api/v1/pim/products', { title: 'Audited' });
      await put(a, `/api/v1/pim/products/${p.body.id}`, { title: 'Audited v2' });
      const res = await stack.http.get(`/api/v1/pim/audit?resource_id=${p.body.id}`).set(a.headers);
      expect(res.status).toBe(200);
      expect(res.body.map((e: { action: string }) => e.action)).toEqual(['product.updated', 'product.created']);
      expect(res.body[0]).toMatchObject({ resource_type: 'product', actor_id: a.userId, changes: { title: { from: 'Audited', to: 'Audited v2' } } });
      const all = await stack.http.get('/api/v1/pim/audit').set(a.headers);
      expect(all.body.every((e: { resource_type: string }) => e.resource_type !== 'settings' && e.resource_type !== 'tenant')).toBe(true);
      expect((await stack.http.get(`/api/v1/pim/audit?resource_id=${p.body.id}`).set(b.headers)).body).toEqual([]);
    });
  });
});
