import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** ms since epoch when the request arrived */
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** sent as is (e.g. an HTML page) instead of JSON-encoding `body` */
  raw?: string;
}

interface Script {
  remaining: number;
  answer: ScriptedAnswer | ((req: RecordedRequest) => ScriptedAnswer);
  match?: (req: RecordedRequest) => boolean;
}

/**
 * Plumbing shared by the fake platforms: a real HTTP server on 127.0.0.1, every request recorded,
 * an optional delay per request, and scripted failures ("the next N matching requests answer X")
 * consumed before the platform logic runs.
 */
export abstract class FakePlatform {
  readonly requests: RecordedRequest[] = [];
  /** delay before answering each request (a slow platform) */
  delayMs = 0;
  /** fail this fraction of requests at random with a 500 (benchmarks) */
  randomFailureRate = 0;
  private server?: http.Server;
  private scripts: Script[] = [];
  url = '';

  protected abstract handle(req: RecordedRequest): Reply | Promise<Reply>;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests (matching `match`, when given) get `answer` instead of the platform's. */
  failNext(times: number, answer: Script['answer'], match?: (req: RecordedRequest) => boolean): void {
    this.scripts.push({ remaining: times, answer, match });
  }

  clearScripts(): void {
    this.scripts = [];
  }

  /** Requests after index `from` (e.g. since a mark taken with `this.requests.length`). */
  since(from: number): RecordedRequest[] {
    return this.requests.slice(from);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    if (raw && (req.headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        return this.send(res, { status: 400, body: { message: 'Malformed JSON body' } });
      }
    }
    const u = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body, at: Date.now() };
    this.requests.push(rec);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const script = this.scripts.find((s) => s.remaining > 0 && (!s.match || s.match(rec)));
    if (script) {
      script.remaining--;
      if (script.remaining === 0) this.scripts = this.scripts.filter((s) => s !== script);
      return this.send(res, typeof script.answer === 'function' ? script.answer(rec) : script.answer);
    }
    if (this.randomFailureRate && Math.random() < this.randomFailureRate) return this.send(res, { status: 500, body: { message: 'injected failure' } });
    try {
      this.send(res, await this.handle(rec));
    } catch (err) {
      this.send(res, { status: 500, body: { message: (err as Error).message } });
    }
  }

  private send(res: ServerResponse, reply: Reply): void {
    const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, { 'content-type': reply.raw !== undefined ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
    res.end(text);
  }
}

export const isDecimalString = (v: unknown): boolean => typeof v === 'string' && /^\d+(\.\d+)?$/.test(v);
