import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { BodyTooLargeError, safeGet } from './safe-get';
import { OutboundRequestError } from './safe-fetch';
import { TargetPolicy } from './safe-target';

const OPEN: TargetPolicy = { allowPrivate: true, allowHttp: true };
const STRICT: TargetPolicy = { allowPrivate: false, allowHttp: true };

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const c of stream) s += c.toString();
  return s;
}

describe('safeGet', () => {
  let server: http.Server;
  let port: number;
  const seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      if (req.url === '/ok') res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n');
      else if (req.url === '/gz') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('z'.repeat(50_000)));
      else if (req.url === '/declared') res.writeHead(200, { 'content-length': '100000' }).end('x'.repeat(100_000));
      else if (req.url === '/chunked') {
        res.writeHead(200);
        for (let i = 0; i < 20; i++) res.write('y'.repeat(10_000));
        res.end();
      } else if (req.url === '/hop') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/away') res.writeHead(301, { location: `http://localhost:${port}/ok` }).end();
      else if (req.url === '/evil') res.writeHead(302, { location: 'gopher://example.com/' }).end();
      else if (req.url === '/loop') res.writeHead(307, { location: '/loop' }).end();
      else if (req.url === '/slow') {
        res.writeHead(200);
        res.write('start');
        const t = setTimeout(() => res.end('end'), 2000);
        res.on('close', () => clearTimeout(t));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const get = (path: string, extra: Partial<Parameters<typeof safeGet>[1]> = {}) =>
    safeGet(`http://127.0.0.1:${port}${path}`, { policy: OPEN, headersTimeoutMs: 1000, totalTimeoutMs: 3000, maxBytes: 60_000, ...extra });

  it('streams the body and asks for compression', async () => {
    const res = await get('/ok', { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    expect(await text(res.body)).toBe('a,b\n1,2\n');
    expect(seen.at(-1)!.headers['accept-encoding']).toMatch(/gzip/);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer t');
  });
  it('decompresses and counts the limit after decompression', async () => {
    expect(await text((await get('/gz')).body)).toHaveLength(50_000);
    const small = await get('/gz', { maxBytes: 10_000 });
    await expect(text(small.body)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
  it('refuses a declared size past the limit before reading, and stops a chunked body at the limit', async () => {
    await expect(get('/declared')).rejects.toBeInstanceOf(BodyTooLargeError);
    const res = await get('/chunked');
    await expect(text(res.body)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
  it('follows redirects, checking each target, dropping credentials off-origin, within a limit', async () => {
    const res = await get('/hop', { headers: { authorization: 'Bearer t' } });
    expect(await text(res.body)).toBe('a,b\n1,2\n');
    expect(seen.at(-1)).toMatchObject({ path: '/ok', headers: expect.objectContaining({ authorization: 'Bearer t' }) });
    await text((await get('/away', { headers: { authorization: 'Bearer t' } })).body);
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
    await expect(get('/evil')).rejects.toMatchObject({ name: 'UnsafeTargetError', reason: 'scheme' });
    await expect(get('/loop')).rejects.toThrow(/too many redirects/);
    await expect(get('/hop', { maxRedirects: 0 })).rejects.toThrow(/too many redirects/);
  });
  it('refuses private targets by policy before connecting, including redirect targets resolved by name', async () => {
    const before = seen.length;
    await expect(get('/ok', { policy: STRICT })).rejects.toMatchObject({ reason: 'address' });
    await expect(safeGet(`http://localhost:${port}/ok`, { policy: STRICT, headersTimeoutMs: 1000, totalTimeoutMs: 1000, maxBytes: 1000 })).rejects.toMatchObject({ reason: 'address' });
    expect(seen.length).toBe(before);
  });
  it('times out the whole download', async () => {
    const res = await get('/slow', { totalTimeoutMs: 300 });
    const err = await text(res.body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRequestError);
    expect((err as OutboundRequestError).kind).toBe('timeout');
  });
});
