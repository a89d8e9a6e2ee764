import { QueryFailedError } from 'typeorm';

interface PgDriverError {
  code?: string;
  constraint?: string;
  detail?: string;
  hint?: string;
}

function driverError(err: unknown): PgDriverError | undefined {
  if (err instanceof QueryFailedError) return err.driverError as PgDriverError;
  if (err && typeof err === 'object' && 'code' in err) return err as PgDriverError;
  return undefined;
}

/** SQLSTATE of a PostgreSQL error (e.g. 23505 unique violation), if it is one. */
export function pgCode(err: unknown): string | undefined {
  return driverError(err)?.code;
}

export function pgConstraint(err: unknown): string | undefined {
  return driverError(err)?.constraint;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return pgCode(err) === '23505' && (!constraint || pgConstraint(err) === constraint);
}

/** The products trigger raises SQLSTATE SQ403 when a tenant passes its plan's product limit. */
export function isProductLimitError(err: unknown): boolean {
  return pgCode(err) === 'SQ403';
}

/**
 * Rows of any statement, including UPDATE/DELETE … RETURNING (for which TypeORM's `query` answers
 * `[rows, affectedCount]` instead of the rows).
 */
export async function queryRows<T>(m: { query: (sql: string, params?: unknown[]) => Promise<unknown> }, sql: string, params: unknown[]): Promise<T[]> {
  const result = await m.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
