import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface SupplierFile {
  body: string | Buffer;
  contentType?: string;
  status?: number;
  /** the exact Authorization header required (401 otherwise) */
  authorization?: string;
  gzip?: boolean;
  /** answer with a redirect to this location instead */
  redirect?: string;
  /** wait this long before answering */
  delayMs?: number;
  /** send the body in pieces of this size with a pause between them */
  trickleBytes?: number;
}

export interface SupplierRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A supplier's web server on 127.0.0.1: serves the files a test puts at paths, checks the
 * credentials a real supplier would, gzips when asked, redirects, and records every request.
 */
export class FakeSupplier {
  readonly files = new Map<string, SupplierFile>();
  readonly requests: SupplierRequest[] = [];
  private server?: http.Server;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  put(path: string, file: SupplierFile | string): void {
    this.files.set(path, typeof file === 'string' ? { body: file } : file);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.requests.push({ path, headers: req.headers });
      const f = this.files.get(path);
      const answer = () => {
        if (!f) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        if (f.authorization && req.headers.authorization !== f.authorization) {
          return res.writeHead(401, { 'www-authenticate': 'Basic realm="feeds"' }).end('unauthorized');
        }
        if (f.redirect) return res.writeHead(302, { location: f.redirect }).end();
        let body = Buffer.isBuffer(f.body) ? f.body : Buffer.from(f.body);
        const headers: Record<string, string> = { 'content-type': f.contentType ?? 'text/csv; charset=utf-8' };
        if (f.gzip && /gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
          body = gzipSync(body);
          headers['content-encoding'] = 'gzip';
        }
        res.writeHead(f.status ?? 200, headers);
        if (!f.trickleBytes) return res.end(body);
        let i = 0;
        const step = () => {
          if (res.destroyed) return;
          if (i >= body.length) return res.end();
          res.write(body.subarray(i, i + f.trickleBytes!));
          i += f.trickleBytes!;
          setTimeout(step, 20);
        };
        step();
      };
      if (f?.delayMs) setTimeout(answer, f.delayMs);
      else answer();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
