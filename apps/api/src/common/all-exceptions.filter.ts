import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@synq/common';
import { LOGGER, Logger } from '@synq/logger';
import { codeForStatus, ErrorInfo, sendError } from './error-body';
import type { SynqRequest } from './request';

/** Maps any thrown error to an HTTP status and a body error, exactly once. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof DomainError) {
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const resp = err.getResponse();
    let message = err.message;
    if (typeof resp === 'object' && resp !== null && 'message' in resp) {
      const m = (resp as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    return { status, code: codeForStatus(status), message };
  }
  // body-parser and other http-errors style errors
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean; message?: string };
  if (e && e.type === 'entity.too.large') {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is larger than the 10 MB limit' };
  }
  if (e && e.type === 'entity.parse.failed') {
    return { status: 400, code: 'INVALID_JSON', message: 'Request body is not valid JSON' };
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    return { status, code: codeForStatus(status), message: e.message ?? 'Bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<SynqRequest>();
    const res = ctx.getResponse<Response>();
    const info = toErrorInfo(exception);
    if (info.status >= 500) {
      this.logger.error({ err: exception, requestId: req.id, path: req.path }, 'unhandled error');
    }
    sendError(res, req.originalUrl ?? req.url, info);
  }
}
