import { createHash, createHmac, randomBytes } from 'node:crypto';
import { FakePlatform, RecordedRequest, Reply } from './fake-platform';

/** Stripe's form encoding (`line_items[0][price_data][currency]=usd`) back into nested objects and arrays. */
export function parseStripeForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const path = k.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((seg, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]);
      const key = Array.isArray(node) ? Number(seg) : seg;
      const container = node as Record<string | number, unknown>;
      if (last) container[key] = v;
      else {
        if (container[key] === undefined) container[key] = nextIsIndex ? [] : {};
        node = container[key] as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export interface FakeAccount {
  id: string;
  object: 'account';
  type: 'standard';
  email: string | null;
  charges_enabled: boolean;
  details_submitted: boolean;
  metadata: Record<string, string>;
}

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  /** the connected account the session was created on (Stripe-Account header), null: the platform */
  account: string | null;
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string;
  amount_total: number;
  currency: string;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  line_items: { name: string; unit_amount: number; quantity: number }[];
  application_fee_amount: number | null;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  payment_intent: string | null;
  /** the Idempotency-Key it was created with */
  idempotency_key: string | null;
}

/**
 * Stripe's API as the official SDK reaches it (host/port/protocol pointed here): Bearer secret-key
 * auth, form-encoded bodies, Idempotency-Key replay (same key + other parameters → 400 as Stripe
 * answers), Connect's Stripe-Account header for direct charges (unknown accounts refused), accounts,
 * account links and Checkout Sessions. Also plays the hosted pages (onboarding, checkout) and signs
 * webhook events exactly as Stripe does.
 */
export class FakeStripe extends FakePlatform {
  readonly accounts = new Map<string, FakeAccount>();
  readonly sessions = new Map<string, FakeSession>();
  private readonly idempotency = new Map<string, { fingerprint: string; reply: Reply }>();

  constructor(
    readonly secretKey = `sk_test_${randomBytes(12).toString('hex')}`,
    readonly webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`,
  ) {
    super();
  }

  get env(): Record<string, string> {
    const u = new URL(this.url);
    return {
      STRIPE_SECRET_KEY: this.secretKey,
      STRIPE_WEBHOOK_SECRET: this.webhookSecret,
      STRIPE_API_HOST: u.hostname,
      STRIPE_API_PORT: u.port,
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  private error(status: number, type: string, message: string, extra: Record<string, unknown> = {}): Reply {
    return { status, body: { error: { type, message, ...extra } } };
  }

  /** Where the hosted checkout sends its webhook when the shopper pays (like a Connect endpoint); unset: none. */
  webhookUrl = '';

  protected async handle(req: RecordedRequest): Promise<Reply> {
    if (req.method === 'GET' && req.path.startsWith('/pay/')) return this.page(req);
    if (req.method === 'POST' && req.path.startsWith('/pay/')) return this.payAndReturn(req);
    if (req.method === 'GET' && req.path.startsWith('/connect/onboard/')) return { status: 200, body: { onboarding: req.path.split('/').pop() } };
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${this.secretKey}`) return this.error(401, 'invalid_request_error', 'Invalid API Key provided');
    if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return this.error(400, 'invalid_request_error', 'Stripe expects application/x-www-form-urlencoded bodies');
    }
    const params = req.method === 'POST' ? parseStripeForm(typeof req.body === 'string' ? req.body : '') : {};
    const account = req.headers['stripe-account'] as string | undefined;
    if (account !== undefined && !this.accounts.has(account)) {
      return this.error(403, 'invalid_request_error', `The provided key does not have access to account '${account}' (or that account does not exist).`);
    }
    const key = req.headers['idempotency-key'] as string | undefined;
    if (req.method === 'POST' && key) {
      const scope = `${account ?? 'platform'}:${key}`;
      const fingerprint = createHash('sha256').update(`${req.path}\n${req.body as string}`).digest('hex');
      const seen = this.idempotency.get(scope);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          return this.error(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
        }
        return { ...seen.reply, headers: { ...(seen.reply.headers ?? {}), 'idempotent-replayed': 'true' } };
      }
      const reply = this.route(req, params, account);
      if (reply.status < 500) this.idempotency.set(scope, { fingerprint, reply });
      return reply;
    }
    return this.route(req, params, account);
  }

  private route(req: RecordedRequest, p: Record<string, unknown>, account: string | undefined): Reply {
    if (req.method === 'POST' && req.path === '/v1/accounts') {
      if (p.type !== 'standard' && p.type !== 'express' && !p.controller) return this.error(400, 'invalid_request_error', 'Missing required param: type.', { param: 'type' });
      const a: FakeAccount = { id: id('acct'), object: 'account', type: 'standard', email: (p.email as string) ?? null, charges_enabled: false, details_submitted: false, metadata: (p.metadata as Record<string, string>) ?? {} };
      this.accounts.set(a.id, a);
      return { status: 200, body: a };
    }
    const acct = /^\/v1\/accounts\/(acct_[a-z0-9]+)$/.exec(req.path);
    if (req.method === 'GET' && acct) {
      const a = this.accounts.get(acct[1]);
      return a ? { status: 200, body: a } : this.error(404, 'invalid_request_error', `No such account: '${acct[1]}'`, { code: 'resource_missing' });
    }
    if (req.method === 'POST' && req.path === '/v1/account_links') {
      for (const f of ['account', 'refresh_url', 'return_url', 'type']) if (!p[f]) return this.error(400, 'invalid_request_error', `Missing required param: ${f}.`, { param: f });
      if (!this.accounts.has(p.account as string)) return this.error(400, 'invalid_request_error', `No such account: '${p.account}'`, { param: 'account' });
      const u = new URL(`${this.url}/connect/onboard/${p.account}`);
      u.searchParams.set('return_url', p.return_url as string);
      u.searchParams.set('refresh_url', p.refresh_url as string);
      return { status: 200, body: { object: 'account_link', url: u.toString(), created: Math.floor(Date.now() / 1000), expires_at: Math.floor(Date.now() / 1000) + 300 } };
    }
    if (req.method === 'POST' && req.path === '/v1/checkout/sessions') return this.createSession(p, account ?? null, (req.headers['idempotency-key'] as string) ?? null);
    const cs = /^\/v1\/checkout\/sessions\/(cs_[a-z0-9_]+)$/.exec(req.path);
    if (req.method === 'GET' && cs) {
      const s = this.sessions.get(cs[1]);
      if (!s || s.account !== (account ?? null)) return this.error(404, 'invalid_request_error', `No such checkout.session: '${cs[1]}'`, { code: 'resource_missing' });
      return { status: 200, body: s };
    }
    return this.error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path})`);
  }

  private createSession(p: Record<string, unknown>, account: string | null, key: string | null): Reply {
    if (p.mode !== 'payment') return this.error(400, 'invalid_request_error', 'mode must be payment here', { param: 'mode' });
    for (const f of ['success_url', 'cancel_url']) if (!/^https?:\/\//.test(String(p[f] ?? ''))) return this.error(400, 'invalid_request_error', `Not a valid URL`, { param: f });
    const items = (p.line_items as Record<string, unknown>[] | undefined) ?? [];
    if (!items.length) return this.error(400, 'invalid_request_error', 'Missing required param: line_items.', { param: 'line_items' });
    const lines: FakeSession['line_items'] = [];
    let currency = '';
    for (const [i, li] of items.entries()) {
      const pd = li.price_data as Record<string, unknown> | undefined;
      const unit = Number(pd?.unit_amount);
      const qty = Number(li.quantity);
      if (!pd || !/^\d+$/.test(String(pd.unit_amount)) || !Number.isInteger(qty) || qty < 1) {
        return this.error(400, 'invalid_request_error', 'Invalid line item: unit_amount must be an integer in minor units and quantity ≥ 1', { param: `line_items[${i}]` });
      }
      if (!/^[a-z]{3}$/.test(String(pd.currency))) return this.error(400, 'invalid_request_error', 'Invalid currency', { param: `line_items[${i}][price_data][currency]` });
      if (currency && currency !== pd.currency) return this.error(400, 'invalid_request_error', 'All line items must share one currency');
      currency = String(pd.currency);
      lines.push({ name: String((pd.product_data as Record<string, unknown>)?.name ?? ''), unit_amount: unit, quantity: qty });
    }
    const total = lines.reduce((s, l) => s + l.unit_amount * l.quantity, 0);
    const now = Math.floor(Date.now() / 1000);
    const expires = p.expires_at ? Number(p.expires_at) : now + 24 * 3600;
    if (expires < now + 30 * 60 - 5 || expires > now + 24 * 3600 + 5) {
      return this.error(400, 'invalid_request_error', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from now.', { param: 'expires_at' });
    }
    const pid = p.payment_intent_data as Record<string, unknown> | undefined;
    const fee = pid?.application_fee_amount !== undefined ? Number(pid.application_fee_amount) : null;
    if (fee !== null && !account) return this.error(400, 'invalid_request_error', 'application_fee_amount can only be set on a connected account (Stripe-Account header).');
    if (fee !== null && (fee < 0 || fee > total)) return this.error(400, 'invalid_request_error', 'application_fee_amount must not exceed the total');
    const s: FakeSession = {
      id: id('cs_test'),
      object: 'checkout.session',
      account,
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      url: '',
      amount_total: total,
      currency,
      customer_email: (p.customer_email as string) ?? null,
      client_reference_id: (p.client_reference_id as string) ?? null,
      metadata: (p.metadata as Record<string, string>) ?? {},
      line_items: lines,
      application_fee_amount: fee,
      success_url: String(p.success_url),
      cancel_url: String(p.cancel_url),
      expires_at: expires,
      payment_intent: null,
      idempotency_key: key,
    };
    s.url = `${this.url}/pay/${s.id}`;
    this.sessions.set(s.id, s);
    return { status: 200, body: s };
  }

  /** The hosted checkout page (what the shopper's browser lands on): the amount and a Pay button. */
  private page(req: RecordedRequest): Reply {
    const s = this.sessions.get(req.path.split('/').pop() ?? '');
    if (!s) return { status: 404, body: { error: 'no such session' } };
    const amount = `${(s.amount_total / 100).toFixed(2)} ${s.currency.toUpperCase()}`;
    return {
      status: 200,
      raw: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head>
<body style="font-family:sans-serif;max-width:420px;margin:40px auto"><h1>Fake Stripe Checkout</h1>
<p id="session">${s.id}</p><p>Pay <strong id="amount">${amount}</strong> to <span id="account">${s.account ?? 'the platform'}</span></p>
${s.line_items.map((l) => `<p>${l.quantity} × ${l.name.replace(/</g, '&lt;')}</p>`).join('')}
<form method="post" action="/pay/${s.id}"><button id="pay-now" type="submit">Pay ${amount}</button></form></body></html>`,
    };
  }

  /** The shopper pays: the session completes, Stripe sends the signed webhook, the browser goes to success_url. */
  private async payAndReturn(req: RecordedRequest): Promise<Reply> {
    const s = this.sessions.get(req.path.split('/').pop() ?? '');
    if (!s || s.status !== 'open') return { status: 404, body: { error: 'no such open session' } };
    this.pay(s.id);
    if (this.webhookUrl) {
      const evt = this.event('checkout.session.completed', s, s.account);
      const res = await fetch(this.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': this.sign(evt.payload) }, body: evt.payload });
      this.deliveries.push({ type: evt.id, status: res.status });
    }
    return { status: 303, headers: { location: s.success_url } };
  }

  /** Webhooks the hosted pages sent, with the answer they got. */
  readonly deliveries: { type: string; status: number }[] = [];

  /** The merchant finishes onboarding at Stripe. */
  completeOnboarding(accountId: string, chargesEnabled = true): void {
    const a = this.accounts.get(accountId);
    if (!a) throw new Error(`no account ${accountId}`);
    a.charges_enabled = chargesEnabled;
    a.details_submitted = true;
  }

  /** The shopper pays: the session completes (the webhook is separate, see event()). */
  pay(sessionId: string): FakeSession {
    const s = this.sessions.get(sessionId)!;
    s.status = 'complete';
    s.payment_status = 'paid';
    s.payment_intent = id('pi');
    return s;
  }

  expire(sessionId: string): FakeSession {
    const s = this.sessions.get(sessionId)!;
    s.status = 'expired';
    return s;
  }

  /** An event as Stripe sends it for a connected account. */
  event(type: string, object: unknown, account: string | null): { id: string; payload: string } {
    const evt = {
      id: id('evt'),
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      ...(account ? { account } : {}),
      data: { object },
    };
    return { id: evt.id, payload: JSON.stringify(evt) };
  }

  /** `Stripe-Signature: t=…,v1=…` over `${t}.${payload}` with the endpoint's signing secret. */
  sign(payload: string, timestamp = Math.floor(Date.now() / 1000), secret = this.webhookSecret): string {
    const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
    return `t=${timestamp},v1=${v1}`;
  }

  sessionsOf(account: string | null): FakeSession[] {
    return [...this.sessions.values()].filter((s) => s.account === account);
  }
}
