import { ValidationFailedError } from './errors';

/** Keyset pagination on (created_at, id): the cursor is opaque to clients. */
export interface Cursor {
  createdAt: string;
  id: string;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(row: { createdAt: Date | string; id: string }): string {
  const createdAt = row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt;
  return Buffer.from(JSON.stringify([createdAt, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    /* fall through */
  }
  throw new ValidationFailedError('cursor is invalid', [{ field: 'cursor', message: 'cursor is invalid' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Given limit+1 rows fetched in order, returns the page and the cursor of the next one. */
export function toPage<T extends { createdAt: Date | string; id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length > limit) {
    const items = rows.slice(0, limit);
    return { items, nextCursor: encodeCursor(items[items.length - 1]) };
  }
  return { items: rows };
}

/** The RFC 8288 `Link` header announcing the next page, built from the current request URL. */
export function nextLink(originalUrl: string, baseUrl: string, nextCursor: string): string {
  const u = new URL(originalUrl, baseUrl);
  u.searchParams.set('cursor', nextCursor);
  return `<${u.pathname}${u.search}>; rel="next"`;
}
