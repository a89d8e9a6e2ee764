import http from 'node:http';
import https from 'node:https';
import { isRetryableStatus, parseRetryAfter } from '@synq/queue';
import { ConnectorError } from './connector';

/** The answer's headers, looked up case-insensitively (as `Headers.get`). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

class IncomingHeaders implements ResponseHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
}

/**
 * Keep-alive connection pools shared by the connectors of this process. An idle socket is dropped
 * after 4 s, or a second before the server's announced `Keep-Alive: timeout` (Node's agent reads
 * it), so that a request rarely meets a socket the server is closing; when one does, it fails as a
 * network error (retryable, like any other). A platform call costs a fraction of the CPU of
 * `fetch` (undici's WHATWG streams, AbortSignal, Request/Response objects), which dominated the
 * worker's profile in bench:sync.
 */
const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, timeout: 4000, scheduling: 'lifo' as const };
const agents = { 'http:': new http.Agent(AGENT_OPTIONS), 'https:': new https.Agent(AGENT_OPTIONS) };

class RequestTimeout extends Error {}

/** One request and its whole answer, failing with the socket error, or RequestTimeout after `timeoutMs`. */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!lib) return reject(new Error(`unsupported protocol ${url.protocol}`));
    let settled = false;
    const req = lib.request(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('the connection closed before the answer was complete')));
    });
    function fail(err: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    }
    const timer = setTimeout(() => fail(new RequestTimeout()), timeoutMs);
    req.on('error', fail);
    req.end(body);
  });
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** the platform's name, for messages */
  platform: string;
}

export interface JsonResponse {
  status: number;
  headers: ResponseHeaders;
  body: unknown;
}

/** The platform's own words about a failure, from the usual error body shapes. */
export function platformMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500);
  if (!body || typeof body !== 'object') return fallback;
  const b = body as Record<string, unknown>;
  if (typeof b.message === 'string' && b.message) return b.message;
  if (typeof b.error === 'string' && b.error) return b.error;
  if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  if (typeof b.errors === 'string') return b.errors;
  if (Array.isArray(b.errors)) {
    const msgs = b.errors.map((e) => (typeof e === 'string' ? e : (e as { message?: string })?.message)).filter(Boolean);
    if (msgs.length) return msgs.join('; ');
  }
  if (b.errors && typeof b.errors === 'object') {
    return Object.entries(b.errors as Record<string, unknown>)
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
      .join('; ');
  }
  return fallback;
}

/** Classifies a non-2xx answer: 408/429/5xx retryable (with Retry-After), 401/403 auth, other 4xx permanent. */
export function errorForStatus(platform: string, status: number, headers: ResponseHeaders, body: unknown): ConnectorError {
  const msg = platformMessage(body, `HTTP ${status}`);
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (isRetryableStatus(status)) {
    return new ConnectorError(`${platform} answered ${status}: ${msg}`, { status, retryable: true, retryAfterMs });
  }
  if (status === 401 || status === 403) {
    return new ConnectorError(`${platform} refused the credentials (${status}): ${msg}`, { status, retryable: false, auth: true });
  }
  return new ConnectorError(`${platform} answered ${status}: ${msg}`, { status, retryable: false });
}

/**
 * One JSON request (node:http/https over the keep-alive pools above) with a whole-request timeout;
 * no redirects followed (a store that redirects has moved and its URL must be updated). Network failures and timeouts are retryable ConnectorErrors;
 * HTTP answers of any status are returned for the connector to interpret.
 */
export async function requestJson(req: JsonRequest): Promise<JsonResponse> {
  const payload = req.body !== undefined ? JSON.stringify(req.body) : undefined;
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
    ...req.headers,
  };
  let res: { status: number; headers: http.IncomingHttpHeaders; text: string };
  try {
    res = await send(new URL(req.url), req.method, headers, payload, req.timeoutMs);
  } catch (err) {
    const e = err as Error & { code?: string };
    const detail = e instanceof RequestTimeout ? `no answer within ${req.timeoutMs} ms` : e.code ?? e.message;
    throw new ConnectorError(`${req.platform} could not be reached: ${detail}`, { retryable: true });
  }
  const resHeaders = new IncomingHeaders(res.headers);
  const text = res.text;
  let body: unknown = text;
  if (text && (resHeaders.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (res.status >= 300 && res.status < 400) {
    throw new ConnectorError(`${req.platform} answered a redirect (${res.status}) to ${resHeaders.get('location') ?? 'elsewhere'}: update the store URL`, {
      status: res.status,
      retryable: false,
    });
  }
  return { status: res.status, headers: resHeaders, body };
}

/** requestJson that turns every non-2xx answer into a classified ConnectorError. */
export async function requestOk(req: JsonRequest, allowed: number[] = []): Promise<JsonResponse> {
  const res = await requestJson(req);
  if ((res.status >= 200 && res.status < 300) || allowed.includes(res.status)) return res;
  throw errorForStatus(req.platform, res.status, res.headers, res.body);
}
