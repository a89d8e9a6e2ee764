import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, EntityManager } from 'typeorm';
import { masterPool } from './prepared';

/**
 * One field of a `COPY … FROM STDIN` row in PostgreSQL's text format: `\N` for NULL, and the
 * characters the format gives a meaning to (backslash, tab, newline, carriage return) escaped.
 */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const s = typeof value === 'number' ? String(value) : value;
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

/**
 * Streams rows into a table with `COPY <target> FROM STDIN` (text format): one statement, so the
 * rows land all together or not at all; the fastest way into PostgreSQL (no per-row parse, plan or
 * parameter handling). `rows` are complete lines built with `copyField`, tab-separated, each ending
 * in `\n`. Runs on the caller's transaction connection when there is one, on a pool connection
 * otherwise. Returns the number of rows PostgreSQL copied.
 */
export async function copyIn(on: DataSource | EntityManager, target: string, rows: string[]): Promise<number> {
  if (!rows.length) return 0;
  const inTx = on instanceof EntityManager && on.queryRunner?.isTransactionActive;
  const ds = on instanceof EntityManager ? on.connection : on;
  const client: PoolClient = inTx
    ? ((await (on as EntityManager).queryRunner!.connect()) as PoolClient)
    : await masterPool(ds).connect();
  try {
    const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
    // a few large writes rather than one per row: the rows are joined in slices of ~1 MB
    async function* chunks() {
      let buf: string[] = [];
      let size = 0;
      for (const r of rows) {
        buf.push(r);
        size += r.length;
        if (size >= 1 << 20) {
          yield buf.join('');
          buf = [];
          size = 0;
        }
      }
      if (buf.length) yield buf.join('');
    }
    await pipeline(Readable.from(chunks()), stream);
    return Number(stream.rowCount ?? 0);
  } finally {
    if (!inTx) client.release();
  }
}
