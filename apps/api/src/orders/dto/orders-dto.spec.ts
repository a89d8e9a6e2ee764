import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateOrderDto, fastCreateOrderCheck } from './orders.dto';

/** What class-validator (the global ValidationPipe's options) says of a body: valid or not. */
async function classValidatorAccepts(body: unknown): Promise<boolean> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const dto = plainToInstance(CreateOrderDto, body, { enableImplicitConversion: false });
  const errors = await validate(dto as object, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length === 0;
}

const UUID = '3c157cc8-9522-483c-a2d9-da16b0cff8d6';

const full = () => ({
  lines: [
    { variant_id: UUID, quantity: 2, price: 19.99, title: 'Mug' },
    { sku: 'SKU-1', quantity: 1 },
    { variant_id: UUID, sku: 'SKU-2', quantity: 100000, price: 0 },
  ],
  currency: 'USD',
  customer: { email: 'a@example.com', name: 'Ann', phone: '+47 1234' },
  shipping_address: { name: 'Ann', company: 'Co', line1: 'Street 1', line2: 'x', city: 'Oslo', region: 'Oslo', postal_code: '0150', country: 'NO', phone: '1' },
  billing_address: { country: 'NO' },
  shipping_total: 4.5,
  tax_total: 1.2345,
  discount_total: 0,
  channel: 'manual',
  external_id: 'ext-1',
  note: 'leave at the door',
  reserve_for_seconds: 60,
  payment: { amount: 10, provider: 'stripe', method: 'card', reference: 'pi_1' },
});

const BAD_VALUES: unknown[] = [null, '', ' ', 0, -1, 1.5, 1e13, 19.12345, NaN, true, [], {}, [1], 'x'.repeat(2001), 'not-a-uuid', 'usd', 'XXX', 'a@', { a: 1 }];

/** Every field of the body (nested ones included) replaced by each bad value, removed, or joined by an unknown key. */
function* variants(): Generator<unknown> {
  yield full();
  yield { lines: [{ sku: 'A', quantity: 1 }] };
  yield { lines: [{ sku: 'A', quantity: 1 }], customer: { email: 'bench1@example.com' }, payment: { provider: 'manual' } };
  yield { lines: [] };
  yield { lines: Array.from({ length: 501 }, () => ({ sku: 'A', quantity: 1 })) };
  yield { lines: Array.from({ length: 500 }, () => ({ sku: 'A', quantity: 1 })) };
  yield { lines: [{ quantity: 1 }] };
  yield { lines: [{ sku: 'A', quantity: 1 }], reserve_for_seconds: 59 };
  yield { lines: [{ sku: 'A', quantity: 1 }], reserve_for_seconds: 2592001 };
  yield { lines: [{ sku: 'A'.repeat(101), quantity: 1 }] };
  yield { lines: [{ sku: 'A', quantity: 1 }], shipping_address: { country: 'NOR' } };
  yield { lines: [{ sku: 'A', quantity: 1 }], customer: { email: `${'a'.repeat(310)}@example.com` } };
  yield [];
  yield 'text';
  yield null;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (path.length) paths.push(path);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k]);
  };
  walk(full(), []);
  for (const path of paths) {
    for (const bad of [...BAD_VALUES, undefined]) {
      const body = full();
      let o: Record<string | number, unknown> = body as unknown as Record<string, unknown>;
      for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
      const last = path[path.length - 1];
      if (bad === undefined) delete o[last];
      else o[last] = bad;
      yield body;
    }
    const body = full();
    let o: Record<string | number, unknown> = body as unknown as Record<string, unknown>;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
    const target = o[path[path.length - 1]];
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      (target as Record<string, unknown>).unknown_field = 1;
      yield body;
    }
  }
}

describe('CreateOrderDto fast check', () => {
  it('never accepts a body class-validator refuses, and accepts the common valid ones', async () => {
    let checked = 0;
    let fastAccepted = 0;
    for (const body of variants()) {
      const fast = fastCreateOrderCheck(body);
      const slow = await classValidatorAccepts(body);
      if (fast && !slow) throw new Error(`fast check accepted a body class-validator refuses: ${JSON.stringify(body).slice(0, 500)}`);
      checked++;
      if (fast) fastAccepted++;
    }
    expect(checked).toBeGreaterThan(500);
    expect(fastAccepted).toBeGreaterThan(20);
    expect(fastCreateOrderCheck(full())).toBe(true);
    expect(fastCreateOrderCheck({ lines: [{ sku: 'A', quantity: 1 }], customer: { email: 'bench1@example.com' }, payment: { provider: 'manual' } })).toBe(true);
  });

  it('accepts exactly what class-validator accepts on single-field changes of a valid body', async () => {
    // the fast check may only be stricter on shapes it does not know; on these it must agree
    const disagreements: string[] = [];
    for (const body of variants()) {
      if (fastCreateOrderCheck(body) !== (await classValidatorAccepts(body))) disagreements.push(JSON.stringify(body).replace(JSON.stringify(full()).slice(1, -1), "<full>"));
    }
    // the fast check leaves to class-validator what it is lenient with: nulls of optional fields
    // (@IsOptional) and an empty array where a nested object is expected (@ValidateNested lets [] pass)
    expect(disagreements.filter((d) => !d.includes('null') && !d.includes('[]'))).toEqual([]);
  });
});
