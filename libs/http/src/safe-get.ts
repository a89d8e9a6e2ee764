import http, { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { PassThrough, Readable, Transform, TransformCallback } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { OutboundRequestError } from './safe-fetch';
import { bareHostname, parseTarget, Resolver, safeLookup, systemResolver, TargetPolicy, vetAddresses } from './safe-target';

export interface SafeGetOptions {
  policy: TargetPolicy;
  headers?: Record<string, string>;
  /** connect + response headers (each hop) */
  headersTimeoutMs: number;
  /** the whole download, body included */
  totalTimeoutMs: number;
  /** the body may not exceed this many bytes (after decompression) */
  maxBytes: number;
  /** redirects followed, each target checked again like the first (0: none) */
  maxRedirects?: number;
  resolve?: Resolver;
}

export interface SafeStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** the final URL after redirects */
  url: string;
  /** the (decompressed) body; errors with {@link BodyTooLargeError} past maxBytes or an OutboundRequestError on timeout */
  body: Readable;
}

/** The response body passed the byte limit; the download was stopped. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the response is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Counts bytes and fails the stream past the limit. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return cb(new BodyTooLargeError(this.limit));
    cb(null, chunk);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function requestOnce(url: URL, opts: SafeGetOptions, resolve: Resolver, headers: Record<string, string>): Promise<IncomingMessage> {
  const host = bareHostname(url);
  if (isIP(host)) vetAddresses(host, [host], opts.policy);
  const secure = url.protocol === 'https:';
  return new Promise((resolvePromise, reject) => {
    const req = (secure ? https : http).request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        agent: false,
        lookup: safeLookup(opts.policy, resolve),
        headers: { 'accept-encoding': 'gzip, deflate', 'user-agent': 'Synq-Supplier-Import/1.0', ...headers },
      },
      (res) => {
        clearTimeout(timer);
        resolvePromise(res);
      },
    );
    const timer = setTimeout(() => {
      const err = new OutboundRequestError('timeout', `no response within ${opts.headersTimeoutMs} ms`, opts.headersTimeoutMs);
      req.destroy(err);
      reject(err);
    }, opts.headersTimeoutMs);
    req.on('error', (err: Error) => {
      clearTimeout(timer);
      if (err.name === 'UnsafeTargetError' || err instanceof OutboundRequestError) return reject(err);
      const code = (err as NodeJS.ErrnoException).code;
      reject(new OutboundRequestError('connection', code ? `${code}: ${err.message}` : err.message, 0));
    });
    req.end();
  });
}

/**
 * A streaming GET of a customer-supplied URL (supplier feeds) with the outbound rules of GUIDE.md
 * §2: http(s) only, no credentials in the URL, every resolved address vetted at connect time (the
 * socket connects to the vetted address), a bounded number of redirects each checked again like the
 * first (credentials headers are dropped when a redirect leaves the origin), a timeout for the
 * headers and one for the whole body, and a byte limit counted after decompression. The body is
 * never buffered: the caller consumes it as a stream.
 */
export async function safeGet(rawUrl: string, opts: SafeGetOptions): Promise<SafeStream> {
  const resolve = opts.resolve ?? systemResolver;
  const started = Date.now();
  let url = parseTarget(rawUrl, opts.policy);
  const origin = url.origin;
  let headers = { ...(opts.headers ?? {}) };
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(url, opts, resolve, headers);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status) && res.headers.location) {
      res.resume();
      if (hop >= (opts.maxRedirects ?? 3)) {
        throw new OutboundRequestError('connection', `too many redirects (more than ${opts.maxRedirects ?? 3})`, Date.now() - started);
      }
      let next: URL;
      try {
        next = new URL(res.headers.location, url);
      } catch {
        throw new OutboundRequestError('connection', 'redirect to an invalid location', Date.now() - started);
      }
      url = parseTarget(next.toString(), opts.policy);
      if (url.origin !== origin) headers = {};
      continue;
    }
    const declared = Number(res.headers['content-length'] ?? NaN);
    const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity' && Number.isFinite(declared) && declared > opts.maxBytes) {
      res.destroy();
      throw new BodyTooLargeError(opts.maxBytes);
    }
    const limit = new ByteLimit(opts.maxBytes);
    const out = new PassThrough();
    const remaining = Math.max(1, opts.totalTimeoutMs - (Date.now() - started));
    // the first failure wins: destroying the response afterwards reports an abort we ignore
    const fail = (err: Error) => {
      clearTimeout(timer);
      if (!out.destroyed) out.destroy(err);
      res.destroy();
    };
    const timer = setTimeout(
      () => fail(new OutboundRequestError('timeout', `the download did not finish within ${opts.totalTimeoutMs} ms`, opts.totalTimeoutMs)),
      remaining,
    );
    let decoded: Readable = res;
    if (encoding === 'gzip' || encoding === 'x-gzip') decoded = res.pipe(createGunzip());
    else if (encoding === 'deflate') decoded = res.pipe(createInflate());
    if (decoded !== res) decoded.on('error', (e) => fail(new OutboundRequestError('connection', `bad ${encoding} body: ${e.message}`, 0)));
    res.on('error', (e) => fail(new OutboundRequestError('connection', e.message, 0)));
    res.on('aborted', () => fail(new OutboundRequestError('connection', 'response aborted', 0)));
    limit.on('error', fail);
    out.on('close', () => {
      clearTimeout(timer);
      if (!res.complete) res.destroy();
    });
    decoded.pipe(limit).pipe(out);
    limit.on('end', () => clearTimeout(timer));
    return { status, headers: res.headers, url: url.toString(), body: out };
  }
}
