import { isRetryableStatus, parseRetryAfter } from '@synq/queue';
import { ConnectorError } from './connector';

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
  headers: Headers;
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
export function errorForStatus(platform: string, status: number, headers: Headers, body: unknown): ConnectorError {
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
 * One JSON request with a whole-request timeout; no redirects followed (a store that redirects has
 * moved and its URL must be updated). Network failures and timeouts are retryable ConnectorErrors;
 * HTTP answers of any status are returned for the connector to interpret.
 */
export async function requestJson(req: JsonRequest): Promise<JsonResponse> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const detail = timedOut ? `no answer within ${req.timeoutMs} ms` : cause?.code ?? cause?.message ?? e.message;
    throw new ConnectorError(`${req.platform} could not be reached: ${detail}`, { retryable: true });
  }
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (res.status >= 300 && res.status < 400) {
    throw new ConnectorError(`${req.platform} answered a redirect (${res.status}) to ${res.headers.get('location') ?? 'elsewhere'}: update the store URL`, {
      status: res.status,
      retryable: false,
    });
  }
  return { status: res.status, headers: res.headers, body };
}

/** requestJson that turns every non-2xx answer into a classified ConnectorError. */
export async function requestOk(req: JsonRequest, allowed: number[] = []): Promise<JsonResponse> {
  const res = await requestJson(req);
  if ((res.status >= 200 && res.status < 300) || allowed.includes(res.status)) return res;
  throw errorForStatus(req.platform, res.status, res.headers, res.body);
}
