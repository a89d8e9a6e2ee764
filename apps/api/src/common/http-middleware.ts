import { createHash, randomUUID } from 'node:crypto';
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

export function isStorefrontPath(path: string): boolean {
  return path.startsWith('/api/storefront/') || path === '/api/storefront' || path.startsWith('/s/');
}

/**
 * The storefront surface is called from browsers on merchants' sites: CORS is open (no credentials,
 * the publishable key travels in the query or X-Synqro-Store), and preflights are answered here.
 */
export function storefrontCors() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/storefront')) return next();
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, Retry-After, Idempotent-Replayed, Link');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Synqro-Store, Idempotency-Key, X-Request-ID');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** The publishable key a storefront request names (query or header), for its per-key budget. */
function storefrontKeyOf(req: Request): string | undefined {
  const q = req.query?.key;
  const key = typeof q === 'string' ? q : req.header('x-synqro-store');
  if (key) return key.slice(0, 100);
  const m = /^\/s\/([^/?#]{1,100})/.exec(req.path);
  return m ? m[1] : undefined;
}

export function isExemptFromRateLimit(path: string): boolean {
  return path.startsWith('/health') || path === '/metrics';
}

/** Per-IP sliding-window limit; public feeds have their own, stricter budget. */
export function rateLimit(limiter: RateLimiter, config: AppConfig, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!config.rateLimitEnabled || isExemptFromRateLimit(req.path)) return next();
    const feeds = req.path.startsWith('/api/public/feeds');
    const storefront = isStorefrontPath(req.path);
    const limit = feeds ? config.rateLimitPublicFeedsPerMinute : storefront ? config.rateLimitStorefrontPerMinute : config.rateLimitPerMinute;
    const bucket = `${feeds ? 'feeds' : storefront ? 'sf' : 'all'}:${req.ip ?? 'unknown'}`;
    let decision;
    try {
      decision = await limiter.hit(bucket, limit);
      // storefront routes also share one budget per publishable key, whatever the IP
      const key = storefront && decision.allowed ? storefrontKeyOf(req) : undefined;
      if (key) {
        const perKey = await limiter.hit(`sfkey:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`, config.rateLimitStorefrontKeyPerMinute);
        if (!perKey.allowed || perKey.remaining < decision.remaining) decision = perKey;
      }
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
