import http from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundRequestError, safePost } from './safe-fetch';
import { assertSafeTarget, parseTarget, Resolver, TargetPolicy, UnsafeTargetError } from './safe-target';

const STRICT: TargetPolicy = { allowPrivate: false, allowHttp: true };
const OPEN: TargetPolicy = { allowPrivate: true, allowHttp: true };

describe('parseTarget / assertSafeTarget', () => {
  const publicResolver: Resolver = async () => [{ address: '93.184.216.34', family: 4 }];

  it('accepts https with a public address', async () => {
    const t = await assertSafeTarget('https://hooks.example.com/in?x=1', { allowPrivate: false, allowHttp: false }, publicResolver);
    expect(t.url.hostname).toBe('hooks.example.com');
    expect(t.addresses[0].address).toBe('93.184.216.34');
  });

  it('refuses other schemes, http unless allowed, credentials and garbage', () => {
    const https_only = { allowPrivate: false, allowHttp: false };
    const reason = (url: string, p: TargetPolicy = https_only) => {
      try {
        parseTarget(url, p);
        return 'ok';
      } catch (e) {
        return (e as UnsafeTargetError).reason;
      }
    };
    expect(reason('ftp://example.com/x')).toBe('scheme');
    expect(reason('file:///etc/passwd')).toBe('scheme');
    expect(reason('gopher://example.com')).toBe('scheme');
    expect(reason('http://example.com/x')).toBe('scheme');
    expect(reason('http://example.com/x', STRICT)).toBe('ok');
    expect(reason('https://user:pw@example.com/')).toBe('credentials');
    expect(reason('https://user@example.com/')).toBe('credentials');
    expect(reason('not a url')).toBe('invalid_url');
    expect(reason('/relative/path')).toBe('invalid_url');
  });

  it('refuses names resolving to private addresses, including when one record of several is private', async () => {
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await expect(assertSafeTarget('https://rebind.example.com', STRICT, mixed)).rejects.toMatchObject({ reason: 'address' });
    const mapped: Resolver = async () => [{ address: '::ffff:169.254.169.254', family: 6 }];
    await expect(assertSafeTarget('https://meta.example.com', STRICT, mapped)).rejects.toThrow(/link-local/);
    await expect(assertSafeTarget('https://rebind.example.com', OPEN, mixed)).resolves.toBeDefined();
  });

  it('judges IP literals without DNS, in every notation the URL parser normalises', async () => {
    const never: Resolver = async () => {
      throw new Error('must not resolve');
    };
    for (const url of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data/', 'http://0.0.0.0/']) {
      await expect(assertSafeTarget(url, STRICT, never)).rejects.toMatchObject({ reason: 'address' });
    }
    await expect(assertSafeTarget('http://8.8.8.8/', STRICT, never)).resolves.toBeDefined();
  });

  it('refuses names that do not resolve', async () => {
    const nx: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(assertSafeTarget('https://nx.example.com', STRICT, nx)).rejects.toMatchObject({ reason: 'unresolvable' });
    await expect(assertSafeTarget('https://localhost', STRICT)).rejects.toMatchObject({ reason: 'address' });
  });
});

describe('safePost', () => {
  let server: http.Server;
  let port: number;
  const seen: { path: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body, headers: req.headers });
        if (req.url === '/redirect') {
          res.writeHead(302, { location: '/target' }).end('moved');
        } else if (req.url === '/slow') {
          const t = setTimeout(() => res.writeHead(200).end('late'), 1500);
          res.on('close', () => clearTimeout(t));
        } else if (req.url === '/big') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('x'.repeat(5000));
        } else if (req.url === '/huge') {
          res.writeHead(200);
          const chunk = 'y'.repeat(64 * 1024);
          for (let i = 0; i < 32; i++) res.write(chunk);
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const post = (path: string, policy: TargetPolicy, extra: Partial<Parameters<typeof safePost>[1]> = {}) =>
    safePost(`http://127.0.0.1:${port}${path}`, { policy, headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 1000, ...extra });

  it('posts the body and returns status, headers and latency', async () => {
    const res = await post('/ok', OPEN);
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"ok":true}');
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toMatchObject({ path: '/ok', body: '{"a":1}' });
    expect(seen.at(-1)!.headers['content-length']).toBe('7');
  });

  it('refuses loopback before connecting unless private targets are allowed', async () => {
    const before = seen.length;
    await expect(post('/ok', STRICT)).rejects.toBeInstanceOf(UnsafeTargetError);
    // by name: the check happens in the socket's lookup, on the address it then connects to
    await expect(
      safePost(`http://localhost:${port}/ok`, { policy: STRICT, headers: {}, body: '', timeoutMs: 1000 }),
    ).rejects.toMatchObject({ name: 'UnsafeTargetError', reason: 'address' });
    const rebinding: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    await expect(
      safePost(`http://public.example.test:${port}/ok`, { policy: STRICT, headers: {}, body: '', timeoutMs: 1000, resolve: rebinding }),
    ).rejects.toMatchObject({ reason: 'address' });
    expect(seen.length).toBe(before);
  });

  it('connects to the address the lookup vetted', async () => {
    const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const res = await safePost(`http://anything.example.test:${port}/ok`, {
      policy: OPEN,
      headers: {},
      body: 'x',
      timeoutMs: 1000,
      resolve: toLoopback,
    });
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.headers.host).toBe(`anything.example.test:${port}`);
  });

  it('does not follow redirects', async () => {
    const res = await post('/redirect', OPEN);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/target');
    expect(seen.some((s) => s.path === '/target')).toBe(false);
  });

  it('times out', async () => {
    const err = await post('/slow', OPEN, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRequestError);
    expect((err as OutboundRequestError).kind).toBe('timeout');
  });

  it('keeps only the first KB of the response and copes with huge answers', async () => {
    const res = await post('/big', OPEN);
    expect(res.body).toHaveLength(1024);
    const huge = await post('/huge', OPEN, { timeoutMs: 5000 });
    expect(huge.status).toBe(200);
    expect(huge.body).toHaveLength(1024);
  });

  it('reports refused connections', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const p = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await safePost(`http://127.0.0.1:${p}/`, { policy: OPEN, headers: {}, body: '', timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRequestError);
    expect((err as OutboundRequestError).kind).toBe('connection');
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});
