import { coalesceOutboxRows, DISPATCH_COALESCE_MAX, PendingRow } from './outbox-relay.service';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
let n = 0;
const row = (job_name: string, payload: Record<string, unknown>, run_at: Date | null = null): PendingRow => ({ id: `row-${++n}`, job_name, payload, run_at });
const dispatch = (tenantId: string, ...eventIds: string[]) => row('event.dispatch', { tenantId, eventIds });

describe('coalesceOutboxRows', () => {
  it("merges one tenant's event.dispatch rows into one job, in order, keeping other jobs as they are", () => {
    const rows = [dispatch(T1, 'e1'), row('sync.fanout', { tenantId: T1, productIds: ['p'] }), dispatch(T2, 'e2'), dispatch(T1, 'e3', 'e4')];
    const items = coalesceOutboxRows(rows, Date.now());
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ name: 'event.dispatch', data: { tenantId: T1, eventIds: ['e1', 'e3', 'e4'] } });
    expect(items[0].jobId).toMatch(/^m-[0-9a-f]{40}$/);
    expect(items[1]).toMatchObject({ name: 'sync.fanout', jobId: rows[1].id });
    // a group of one keeps the row id (a replay of the row adds nothing)
    expect(items[2]).toMatchObject({ name: 'event.dispatch', jobId: rows[2].id, data: { tenantId: T2, eventIds: ['e2'] } });
  });

  it('merges sync.fanout rows of one tenant, action and force (each product once)', () => {
    const fan = (tenantId: string, action: string, productIds: string[], force = false) => row('sync.fanout', { tenantId, productIds, action, force });
    const items = coalesceOutboxRows([fan(T1, 'UPSERT', ['a']), fan(T1, 'DELETE', ['b']), fan(T1, 'UPSERT', ['c']), fan(T1, 'UPSERT', ['a']), fan(T1, 'UPSERT', ['d'], true), fan(T2, 'UPSERT', ['e'])], 0);
    expect(items.map((i) => [i.data.tenantId, i.data.action, i.data.force, i.data.productIds])).toEqual([
      [T1, 'UPSERT', false, ['a', 'c']],
      [T1, 'DELETE', false, ['b']],
      [T1, 'UPSERT', true, ['d']],
      [T2, 'UPSERT', false, ['e']],
    ]);
  });

  it('never merges a push limited to some connections (a listing price) with a push to all of them', () => {
    const fan = (productIds: string[], connectionIds?: string[]) => row('sync.fanout', { tenantId: T1, productIds, action: 'UPSERT', ...(connectionIds ? { connectionIds } : {}) });
    const items = coalesceOutboxRows([fan(['a']), fan(['b'], ['c1']), fan(['c']), fan(['d'], ['c1']), fan(['e'], ['c2'])], 0);
    expect(items.map((i) => [i.data.productIds, i.data.connectionIds])).toEqual([
      [['a', 'c'], undefined],
      [['b', 'd'], ['c1']],
      [['e'], ['c2']],
    ]);
  });

  it('gives the same rows the same job id, other rows another', () => {
    const rows = [dispatch(T1, 'a'), dispatch(T1, 'b')];
    expect(coalesceOutboxRows(rows, 0)[0].jobId).toBe(coalesceOutboxRows(rows, 0)[0].jobId);
    expect(coalesceOutboxRows([...rows, dispatch(T1, 'c')], 0)[0].jobId).not.toBe(coalesceOutboxRows(rows, 0)[0].jobId);
  });

  it('caps a merged job at DISPATCH_COALESCE_MAX events and leaves delayed rows alone', () => {
    const big = Array.from({ length: DISPATCH_COALESCE_MAX - 1 }, (_, i) => `b${i}`);
    const delayed = row('event.dispatch', { tenantId: T1, eventIds: ['late'] }, new Date(Date.now() + 60_000));
    const items = coalesceOutboxRows([dispatch(T1, ...big), dispatch(T1, 'x'), dispatch(T1, 'y'), delayed], Date.now());
    expect(items.map((i) => (i.data.eventIds as string[]).length)).toEqual([DISPATCH_COALESCE_MAX, 1, 1]);
    expect(items[2].jobId).toBe(delayed.id);
    expect(items[2].delayMs).toBeGreaterThan(0);
  });
});
