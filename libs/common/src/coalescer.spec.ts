import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('answers an idle key at once, and the callers that arrive during a call together in the next one', async () => {
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    const c = new Coalescer<string, string>(async (key, items) => {
      calls.push([key, ...items]);
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => i.toUpperCase());
    });
    const first = c.run('k', 'a');
    const later = [c.run('k', 'b'), c.run('k', 'c')];
    const other = c.run('other', 'x'); // another key does not wait
    expect(await other).toBe('X');
    release();
    expect(await first).toBe('A');
    expect(await Promise.all(later)).toEqual(['B', 'C']);
    expect(calls).toEqual([['k', 'a'], ['other', 'x'], ['k', 'b', 'c']]);
  });

  it('caps a batch and fails a whole batch (and those queued behind it) when the call fails', async () => {
    const sizes: number[] = [];
    let fail = true;
    let release: () => void = () => undefined;
    const c = new Coalescer<number, number>(async (_k, items) => {
      sizes.push(items.length);
      if (sizes.length === 1) await new Promise<void>((r) => (release = r));
      if (fail) throw new Error('backend down');
      return items.map((i) => i * 2);
    }, 2);
    const all = [1, 2, 3, 4].map((i) => c.run('k', i).then((v) => v, (e: Error) => e.message));
    release();
    expect(await Promise.all(all)).toEqual(['backend down', 'backend down', 'backend down', 'backend down']);
    fail = false;
    expect(await c.run('k', 5)).toBe(10);
    expect(await Promise.all([c.run('k', 6), c.run('k', 7), c.run('k', 8)])).toEqual([12, 14, 16]);
  });

  it('rejects a batch whose answer does not fit it, and a handler that throws at once', async () => {
    const short = new Coalescer<number, number>(async () => []);
    await expect(short.run('k', 1)).rejects.toThrow(/answered 0 of 1/);
    const sync = new Coalescer<number, number>(() => {
      throw new Error('no');
    });
    await expect(sync.run('k', 1)).rejects.toThrow('no');
  });
});
