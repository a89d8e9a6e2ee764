import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import type { ErrorDetail } from '@synq/common';
import { surfaceOf, usesNestErrorShape } from './surface';

const GENERIC_CODES = new Set([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNPROCESSABLE',
  'INTERNAL',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INVALID_JSON',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'SERVICE_UNAVAILABLE',
]);

export interface ErrorInfo {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
}

/** The error body each surface's clients already parse (GUIDE.md §1). */
export function errorBody(path: string, e: ErrorInfo): Record<string, unknown> {
  if (usesNestErrorShape(surfaceOf(path))) {
    const reason = STATUS_CODES[e.status] ?? 'Error';
    return { statusCode: e.status, message: e.message, error: GENERIC_CODES.has(e.code) ? reason : e.code };
  }
  const body: Record<string, unknown> = { error: e.message, code: e.code };
  if (e.details?.length) body.details = e.details;
  return body;
}

export function sendError(res: Response, path: string, e: ErrorInfo): void {
  if (res.headersSent) return;
  res.status(e.status).json(errorBody(path, e));
}

export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'UNPROCESSABLE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}
