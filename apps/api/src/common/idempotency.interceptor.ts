import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Response } from 'express';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { BadRequestError, ConflictError, UnprocessableError } from '@synq/common';
import { sha256Hex } from '@synq/crypto';
import { RedisService } from '@synq/redis';
import type { SynqRequest } from './request';

const TTL_SECONDS = 24 * 3600;
const KEY_RE = /^[A-Za-z0-9._:-]{1,255}$/;

interface Stored {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  body?: unknown;
}

/**
 * `Idempotency-Key` on creating POSTs: the first response is kept 24 h in Redis; a repeat with
 * the same key and body gets it again, with another body 422, while the first is running 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly redis: RedisService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<SynqRequest>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY_RE.test(key)) {
      throw new BadRequestError('Idempotency-Key must be 1-255 characters of letters, digits, . _ : -', 'INVALID_IDEMPOTENCY_KEY');
    }
    const res = context.switchToHttp().getResponse<Response>();
    const scope = req.ctx ? `${req.ctx.tenantId}:${req.ctx.actorId}` : `anon:${req.ip}`;
    const redisKey = this.redis.key('idem', scope, sha256Hex(`${req.method} ${req.path} ${key}`));
    const fingerprint = sha256Hex(JSON.stringify(req.body ?? null));
    const handler = context.getHandler();

    return from(this.begin(redisKey, fingerprint)).pipe(
      mergeMap((existing) => {
        if (existing) {
          if (existing.fingerprint !== fingerprint) {
            throw new UnprocessableError('Idempotency-Key was already used with a different request body', 'IDEMPOTENCY_KEY_REUSED');
          }
          if (existing.state === 'pending') {
            throw new ConflictError('A request with this Idempotency-Key is still being processed', 'IDEMPOTENCY_IN_PROGRESS');
          }
          res.status(existing.status ?? 200);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(existing.body);
        }
        const statusBefore = res.statusCode;
        return next.handle().pipe(
          mergeMap(async (body) => {
            const explicit = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
            const status = res.statusCode !== statusBefore ? res.statusCode : (explicit ?? 201);
            const stored: Stored = { state: 'done', fingerprint, status, body };
            await this.redis.client.set(redisKey, JSON.stringify(stored), 'EX', TTL_SECONDS).catch(() => undefined);
            return body;
          }),
          catchError(async (err) => {
            await this.redis.client.del(redisKey).catch(() => undefined);
            throw err;
          }),
        );
      }),
    );
  }

  /** Claims the key; returns what was stored before when it was already claimed. */
  private async begin(redisKey: string, fingerprint: string): Promise<Stored | undefined> {
    const pending: Stored = { state: 'pending', fingerprint };
    const ok = await this.redis.client.set(redisKey, JSON.stringify(pending), 'EX', TTL_SECONDS, 'NX');
    if (ok === 'OK') return undefined;
    const raw = await this.redis.client.get(redisKey);
    return raw ? (JSON.parse(raw) as Stored) : undefined;
  }
}
