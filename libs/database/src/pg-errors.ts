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
