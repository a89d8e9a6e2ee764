import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@synq/logger';
import type { AppConfig } from '@synq/config';
import { sendError } from './error-body';
import type { RateLimiter } from './rate-limiter';
import type { SynqRequest } from './request';

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a caller's X-Request-ID (when sane) or assigns one. */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.header('x-request-id');
    const id = given && REQUEST_ID_RE.test(given) ? given : randomUUID();
    (req as SynqRequest).id = id;
    res.setHeader('X-Request-ID', id);
    next();
  };
}

export function isExemptFromRateLimit(path: string): boolean {
  return path.startsWith('/health') || path === '/metrics';
}

/** Per-IP sliding-window limit; public feeds have their own, stricter budget. */
export function rateLimit(limiter: RateLimiter, config: AppConfig, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!config.rateLimitEnabled || isExemptFromRateLimit(req.path)) return next();
    const feeds = req.path.startsWith('/api/public/feeds');
    const limit = feeds ? config.rateLimitPublicFeedsPerMinute : config.rateLimitPerMinute;
    const bucket = `${feeds ? 'feeds' : 'all'}:${req.ip ?? 'unknown'}`;
    let decision;
    try {
      decision = await limiter.hit(bucket, limit);
    } catch (err) {
      // Redis unreachable: fail open (the API stays up); readiness reports the outage.
      logger.warn({ err: (err as Error).message }, 'rate limiter unavailable; request let through');
      return next();
    }
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
      return sendError(res, req.originalUrl, {
        status: 429,
        code: 'RATE_LIMITED',
        message: 'Too many requests: retry after the number of seconds in Retry-After',
      });
    }
    next();
  };
}
