import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('sends a lone item at once and groups items that arrive while a batch is in flight', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items.map((i) => i * 10);
      },
      50,
      1,
    );
    const first = b.submit(1);
    const rest = [2, 3, 4].map((i) => b.submit(i));
    expect(batches).toEqual([[1]]);
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('respects the batch size and the number of batches in flight', async () => {
    const sizes: number[] = [];
    let inFlight = 0;
    let most = 0;
    const b = new MicroBatcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return items;
      },
      3,
      2,
    );
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(i)));
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('rejects every item of a failed batch and keeps going', async () => {
    let calls = 0;
    const b = new MicroBatcher<number, number>(async (items) => {
      if (++calls === 1) throw new Error('db down');
      return items;
    });
    await expect(b.submit(1)).rejects.toThrow('db down');
    await expect(b.submit(2)).resolves.toBe(2);
  });
});
