import http, { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { bareHostname, parseTarget, Resolver, safeLookup, systemResolver, TargetPolicy, vetAddresses } from './safe-target';

export interface SafePostOptions {
  policy: TargetPolicy;
  headers: Record<string, string>;
  body: string | Buffer;
  /** whole exchange: connect, response headers and the (capped) body */
  timeoutMs: number;
  /** response body bytes kept for the caller (the rest is drained and dropped) */
  keepBodyBytes?: number;
  resolve?: Resolver;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** the first keepBodyBytes of the response body, as UTF-8 */
  body: string;
  latencyMs: number;
}

export type OutboundFailure = 'timeout' | 'connection';

/** The request did not produce an HTTP response (timeout, refused, reset, TLS, …). */
export class OutboundRequestError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

/** Bytes drained from a response after the kept prefix before the connection is dropped instead. */
const DRAIN_LIMIT = 256 * 1024;

/**
 * Keep-alive agents per policy: a socket opened under one policy is never reused under a stricter
 * one. The agents connect through {@link safeLookup}, so every new connection is vetted.
 */
const agents = new Map<string, { http: http.Agent; https: https.Agent }>();

function agentsFor(policy: TargetPolicy, resolve: Resolver) {
  const key = `${policy.allowPrivate}:${policy.allowHttp}:${resolve === systemResolver ? 'sys' : 'custom'}`;
  let a = agents.get(key);
  if (!a) {
    // a custom resolver (tests) gets throw-away agents without keep-alive
    const pooled = resolve === systemResolver;
    const opts = { keepAlive: pooled, maxSockets: 256, maxFreeSockets: 64, timeout: 60_000, scheduling: 'lifo' as const };
    a = { http: new http.Agent(opts), https: new https.Agent(opts) };
    if (pooled) agents.set(key, a);
  }
  return a;
}

/**
 * POSTs to a customer-supplied URL with the outbound rules of GUIDE.md §2: http(s) only, no
 * credentials in the URL, every resolved address checked (at connect time, and the socket connects
 * to the checked address), redirects never followed (a 3xx is returned as is), a hard timeout, and
 * only a prefix of the response body kept. Throws {@link UnsafeTargetError} when policy refuses the
 * target and {@link OutboundRequestError} when no response arrived.
 */
export async function safePost(rawUrl: string, opts: SafePostOptions): Promise<SafeResponse> {
  const url = parseTarget(rawUrl, opts.policy);
  const host = bareHostname(url);
  if (isIP(host)) vetAddresses(host, [host], opts.policy);
  const resolve = opts.resolve ?? systemResolver;
  const keep = opts.keepBodyBytes ?? 1024;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const secure = url.protocol === 'https:';
  const agent = agentsFor(opts.policy, resolve)[secure ? 'https' : 'http'];
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);

  return new Promise<SafeResponse>((resolvePromise, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, res?: SafeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolvePromise(res!);
    };
    const requestFn = secure ? https.request : http.request;
    const req = requestFn(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent,
        lookup: safeLookup(opts.policy, resolve),
        headers: { ...opts.headers, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let seen = 0;
        const done = () =>
          finish(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            latencyMs: elapsed(),
          });
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (kept < keep) {
            const part = chunk.subarray(0, keep - kept);
            chunks.push(part);
            kept += part.length;
          }
          if (seen > keep + DRAIN_LIMIT) {
            // a huge answer: keep what we have, drop the connection rather than read it all
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (err) => finish(new OutboundRequestError('connection', err.message, elapsed())));
        res.on('aborted', () => finish(new OutboundRequestError('connection', 'response aborted', elapsed())));
      },
    );
    const timer = setTimeout(() => {
      const err = new OutboundRequestError('timeout', `no complete response within ${opts.timeoutMs} ms`, elapsed());
      finish(err);
      req.destroy(err);
    }, opts.timeoutMs);
    req.on('error', (err: Error) => {
      if (err.name === 'UnsafeTargetError') return finish(err);
      const code = (err as NodeJS.ErrnoException).code;
      finish(new OutboundRequestError('connection', code ? `${code}: ${err.message}` : err.message, elapsed()));
    });
    req.end(body);
  });
}
