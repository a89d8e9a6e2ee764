import { decodeCursor, encodeCursor, Page } from './pagination';

/** Positional parameters for hand-built SQL. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** `AND (alias.created_at, alias.id) > (cursor)` for keyset pagination, or '' without a cursor. */
export function keysetAfter(params: Params, alias: string, cursor: string | undefined): string {
  const c = decodeCursor(cursor);
  if (!c) return '';
  return ` AND (${alias}.created_at, ${alias}.id) > (${params.add(c.createdAt)}::timestamptz, ${params.add(c.id)}::uuid)`;
}

/**
 * Turns limit+1 rows (ordered by created_at, id, each carrying `created_at_ts` as a Date and `id`)
 * into a page, mapping each row to its view.
 */
export function rowsToPage<R extends { id: string; created_at_ts: Date | string }, V>(rows: R[], limit: number, view: (r: R) => V): Page<V> {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: more && last ? encodeCursor({ createdAt: new Date(last.created_at_ts), id: last.id }) : undefined,
  };
}

/** ISO-8601 UTC text of a timestamptz column, as the API returns timestamps. */
export function isoSql(col: string): string {
  return `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
