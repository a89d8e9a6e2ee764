import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@synq/audit';
import { keysetAfter, NotFoundError, Page, Params, rowsToPage, systemContext, TenantContext, ValidationFailedError } from '@synq/common';
import { randomToken, safeEqual, sha256Hex } from '@synq/crypto';
import { Quote, QuoteStatus, queryRows, Storefront, StorefrontFile } from '@synq/database';
import { OutboxService } from '@synq/events';
import { fromUnits, moneyNumber, toUnits } from '@synq/pim';
import { CreateQuoteDto, PriceQuoteDto } from './dto/storefront.dto';
import { PaymentsService } from './payments.service';
import { storefrontContext } from './storefront-context';
import { InvalidFileIdsError, QuotesDisabledError, QuoteExpiredError, QuoteStateError } from './storefront.errors';
import { StripeConnectService } from './stripe-connect.service';
import { StorefrontOrdersService } from './storefront-orders.service';

function iso(d: Date | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}

/**
 * The quote lifecycle: pending (the shopper asks) → quoted (the merchant prices it) → accepted (the
 * shopper accepts and is sent to Stripe Checkout) → paid (Stripe says so); pending or quoted →
 * rejected. Every transition is one locked update with its audit entry and its event.
 */
@Injectable()
export class QuotesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly payments: PaymentsService,
    private readonly stripe: StripeConnectService,
    private readonly orders: StorefrontOrdersService,
  ) {}

  // ---- public side (publishable key + the quote's access token) ----

  async create(sf: Storefront, dto: CreateQuoteDto, requestId?: string): Promise<{ quote_id: string; status: 'pending'; access_token: string }> {
    if (!sf.allowQuotes) throw new QuotesDisabledError();
    const token = randomToken(24);
    const ctx = storefrontContext(sf, requestId);
    const id = await this.db.transaction(async (m) => {
      const rows: { id: string }[] = await m.query(
        `INSERT INTO quotes (tenant_id, org_id, customer, description, quantity, file_url, access_token_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [sf.tenantId, sf.orgId, JSON.stringify(customerOf(dto.customer)), dto.description, dto.quantity ?? 1, dto.file_url ?? null, sha256Hex(token)],
      );
      const quoteId = rows[0].id;
      if (dto.file_ids?.length) {
        const attached = await queryRows<{ id: string }>(
          m,
          `UPDATE storefront_files SET quote_id = $3 WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND quote_id IS NULL RETURNING id`,
          [sf.tenantId, dto.file_ids, quoteId],
        );
        if (attached.length !== dto.file_ids.length) throw new InvalidFileIdsError();
      }
      await this.audit.record(m, ctx, { action: 'quote.created', resourceType: 'quote', resourceId: quoteId, after: { status: 'pending', quantity: dto.quantity ?? 1 } });
      await this.outbox.emit(m, sf.tenantId, 'quote.created', { id: quoteId, status: 'pending' });
      return quoteId;
    });
    return { quote_id: id, status: 'pending', access_token: token };
  }

  async getForCustomer(sf: Storefront, id: string, token: string) {
    const q = await this.customerQuote(this.db.manager, sf, id, token);
    const files = await this.files(sf.tenantId, [q.id]);
    const open = q.status === 'accepted' ? await this.payments.openSessionOfQuote(sf.tenantId, q.id) : undefined;
    return {
      quote_id: q.id,
      status: q.status,
      description: q.description,
      quantity: q.quantity,
      amount: q.status === 'pending' || q.status === 'rejected' ? null : moneyNumber(q.amount),
      currency: q.status === 'pending' || q.status === 'rejected' ? null : q.currency,
      note: q.status === 'pending' ? null : q.note,
      valid_until: iso(q.validUntil),
      expired: q.status === 'quoted' && !!q.validUntil && q.validUntil.getTime() <= Date.now(),
      checkout_url: open?.url ?? null,
      files: (files.get(q.id) ?? []).map((f) => ({ file_id: f.id, file_name: f.fileName, size_bytes: f.sizeBytes })),
      created_at: iso(q.createdAt),
    };
  }

  /** quoted and still valid → accepted, answered with a Stripe Checkout URL (accepted again: the open session, or a new one). */
  async accept(sf: Storefront, id: string, token: string, requestId?: string): Promise<{ quote_id: string; status: 'accepted'; checkout_url: string }> {
    const first = await this.customerQuote(this.db.manager, sf, id, token);
    if (first.status !== 'quoted' && first.status !== 'accepted') throw new QuoteStateError(first.status, 'only a quoted quote can be accepted');
    const accountId = await this.stripe.chargeableAccount(sf.tenantId);
    const ctx = storefrontContext(sf, requestId);
    const q = await this.db.transaction(async (m) => {
      const locked = await this.lock(m, sf.tenantId, id);
      if (locked.status === 'accepted') return locked;
      if (locked.status !== 'quoted') throw new QuoteStateError(locked.status, 'only a quoted quote can be accepted');
      if (locked.validUntil && locked.validUntil.getTime() <= Date.now()) throw new QuoteExpiredError(locked.validUntil);
      // the quote becomes a storefront order (pending, paid when Stripe says so)
      const orderId = await this.orders.createForQuote(m, ctx, locked);
      await m.query(`UPDATE quotes SET status = 'accepted', accepted_at = now(), order_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [sf.tenantId, id, orderId]);
      await this.audit.record(m, ctx, { action: 'quote.accepted', resourceType: 'quote', resourceId: id, before: { status: 'quoted' }, after: { status: 'accepted', order_id: orderId } });
      await this.outbox.emit(m, sf.tenantId, 'quote.accepted', { id, status: 'accepted', order_id: orderId });
      return { ...locked, status: 'accepted' as QuoteStatus, orderId };
    });
    const open = await this.payments.openSessionOfQuote(sf.tenantId, id);
    if (open) return { quote_id: id, status: 'accepted', checkout_url: open.url };
    const quantity = Math.max(1, q.quantity);
    const total = q.amount!;
    // one line for the whole quoted price (the quantity is in the name): totals never pick up rounding
    const checkout = await this.payments.createCheckout({
      sf,
      accountId,
      quoteId: id,
      orderId: q.orderId ?? undefined,
      attempt: await this.payments.sessionCountOfQuote(sf.tenantId, id),
      currency: q.currency!,
      items: [{ name: `${quantity > 1 ? `${quantity} × ` : ''}${q.description.slice(0, 200)}`, unitPrice: fromUnits(toUnits(total), 4), quantity: 1 }],
      customerEmail: q.customer.email,
    });
    return { quote_id: id, status: 'accepted', checkout_url: checkout.url };
  }

  // ---- merchant side (Platform API) ----

  async list(ctx: TenantContext, status: QuoteStatus | undefined, limit: number, cursor?: string): Promise<Page<ReturnType<QuotesService['merchantView']>>> {
    const p = new Params();
    const t = p.add(ctx.tenantId);
    const statusSql = status ? ` AND q.status = ${p.add(status)}` : '';
    const after = keysetAfter(p, 'q', cursor);
    const rows: (Record<string, unknown> & { created_at_ts: Date })[] = await this.db.query(
      `SELECT q.*, q.created_at AS created_at_ts FROM quotes q WHERE q.tenant_id = ${t}${statusSql}${after} ORDER BY q.created_at, q.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const quotes = rows.map((r) => ({ ...this.db.getRepository(Quote).create(this.fromRow(r)), created_at_ts: r.created_at_ts }));
    const files = await this.files(ctx.tenantId, quotes.map((q) => q.id));
    return rowsToPage(quotes, limit, (q) => this.merchantView(q, files.get(q.id) ?? []));
  }

  async get(ctx: TenantContext, id: string) {
    const q = await this.db.getRepository(Quote).findOneBy({ tenantId: ctx.tenantId, id });
    if (!q) throw new NotFoundError('Quote', id);
    const files = await this.files(ctx.tenantId, [id]);
    return this.merchantView(q, files.get(id) ?? []);
  }

  async price(ctx: TenantContext, id: string, dto: PriceQuoteDto, defaultCurrency: string) {
    const validUntil = new Date(dto.valid_until);
    if (validUntil.getTime() <= Date.now()) {
      throw new ValidationFailedError('valid_until must be in the future', [{ field: 'valid_until', message: 'valid_until must be in the future' }]);
    }
    if (dto.amount <= 0) throw new ValidationFailedError('amount must be greater than 0', [{ field: 'amount', message: 'amount must be greater than 0' }]);
    const currency = dto.currency ?? defaultCurrency;
    await this.db.transaction(async (m) => {
      const q = await this.lock(m, ctx.tenantId, id);
      if (q.status !== 'pending' && q.status !== 'quoted') throw new QuoteStateError(q.status, 'only a pending or quoted quote can be priced');
      const amount = fromUnits(toUnits(dto.amount), 4);
      await m.query(
        `UPDATE quotes SET status = 'quoted', amount = $3, currency = $4, note = $5, valid_until = $6, quoted_at = now(), updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [ctx.tenantId, id, amount, currency, dto.note ?? null, validUntil],
      );
      await this.audit.record(m, ctx, {
        action: 'quote.quoted',
        resourceType: 'quote',
        resourceId: id,
        before: { status: q.status, amount: moneyNumber(q.amount), currency: q.currency, valid_until: iso(q.validUntil) },
        after: { status: 'quoted', amount: dto.amount, currency, valid_until: validUntil.toISOString() },
      });
      await this.outbox.emit(m, ctx.tenantId, 'quote.quoted', { id, status: 'quoted', amount: dto.amount, currency, valid_until: validUntil.toISOString() });
    });
    return this.get(ctx, id);
  }

  async reject(ctx: TenantContext, id: string) {
    await this.db.transaction(async (m) => {
      const q = await this.lock(m, ctx.tenantId, id);
      if (q.status !== 'pending' && q.status !== 'quoted') throw new QuoteStateError(q.status, 'only a pending or quoted quote can be rejected');
      await m.query(`UPDATE quotes SET status = 'rejected', rejected_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]);
      await this.audit.record(m, ctx, { action: 'quote.rejected', resourceType: 'quote', resourceId: id, before: { status: q.status }, after: { status: 'rejected' } });
      await this.outbox.emit(m, ctx.tenantId, 'quote.rejected', { id, status: 'rejected' });
    });
    return this.get(ctx, id);
  }

  /** accepted → paid, once (Stripe's checkout.session.completed); false when it was not accepted. */
  async markPaid(m: EntityManager, tenantId: string, orgId: string, id: string, orderId: string | null): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      m,
      `UPDATE quotes SET status = 'paid', paid_at = now(), order_id = COALESCE($3, order_id), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'accepted' RETURNING id`,
      [tenantId, id, orderId],
    );
    if (!rows.length) return false;
    const ctx = systemContext(tenantId, orgId, 'stripe-webhook');
    await this.audit.record(m, ctx, { action: 'quote.paid', resourceType: 'quote', resourceId: id, before: { status: 'accepted' }, after: { status: 'paid' } });
    const current = await m.query(`SELECT order_id FROM quotes WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    await this.outbox.emit(m, tenantId, 'quote.paid', { id, status: 'paid', order_id: current[0]?.order_id ?? null });
    return true;
  }

  // ---- helpers ----

  private async customerQuote(m: EntityManager, sf: Storefront, id: string, token: string): Promise<Quote> {
    const q = await m.getRepository(Quote).findOneBy({ tenantId: sf.tenantId, id });
    // a wrong token is answered like a missing quote: nothing is revealed about other shoppers' quotes
    if (!q || !safeEqual(q.accessTokenHash, sha256Hex(token))) throw new NotFoundError('Quote', id);
    return q;
  }

  private async lock(m: EntityManager, tenantId: string, id: string): Promise<Quote> {
    const q = await m.getRepository(Quote).createQueryBuilder('q').setLock('pessimistic_write').where('q.tenant_id = :t AND q.id = :id', { t: tenantId, id }).getOne();
    if (!q) throw new NotFoundError('Quote', id);
    return q;
  }

  private async files(tenantId: string, quoteIds: string[]): Promise<Map<string, StorefrontFile[]>> {
    const out = new Map<string, StorefrontFile[]>();
    if (!quoteIds.length) return out;
    const rows = await this.db
      .getRepository(StorefrontFile)
      .createQueryBuilder('f')
      .where('f.tenant_id = :t AND f.quote_id IN (:...ids)', { t: tenantId, ids: quoteIds })
      .orderBy('f.created_at')
      .limit(quoteIds.length * 10)
      .getMany();
    for (const f of rows) out.set(f.quoteId!, [...(out.get(f.quoteId!) ?? []), f]);
    return out;
  }

  private fromRow(r: Record<string, unknown>): Partial<Quote> {
    return {
      id: r.id as string,
      tenantId: r.tenant_id as string,
      orgId: r.org_id as string,
      status: r.status as QuoteStatus,
      customer: r.customer as Quote['customer'],
      description: r.description as string,
      quantity: r.quantity as number,
      fileUrl: r.file_url as string | null,
      amount: r.amount as string | null,
      currency: r.currency as string | null,
      note: r.note as string | null,
      validUntil: r.valid_until as Date | null,
      orderId: r.order_id as string | null,
      quotedAt: r.quoted_at as Date | null,
      acceptedAt: r.accepted_at as Date | null,
      paidAt: r.paid_at as Date | null,
      rejectedAt: r.rejected_at as Date | null,
      createdAt: r.created_at as Date,
      updatedAt: r.updated_at as Date,
    };
  }

  merchantView(q: Quote, files: StorefrontFile[]) {
    return {
      id: q.id,
      status: q.status,
      customer: q.customer,
      description: q.description,
      quantity: q.quantity,
      file_url: q.fileUrl,
      files: files.map((f) => ({
        file_id: f.id,
        file_name: f.fileName,
        kind: f.kind,
        content_type: f.contentType,
        size_bytes: f.sizeBytes,
        url: `/api/v1/quotes/${q.id}/files/${f.id}`,
      })),
      amount: moneyNumber(q.amount),
      currency: q.currency,
      note: q.note,
      valid_until: iso(q.validUntil),
      order_id: q.orderId,
      quoted_at: iso(q.quotedAt),
      accepted_at: iso(q.acceptedAt),
      paid_at: iso(q.paidAt),
      rejected_at: iso(q.rejectedAt),
      created_at: iso(q.createdAt),
      updated_at: iso(q.updatedAt),
    };
  }
}

function customerOf(c: { name: string; email: string; phone?: string; address?: string }) {
  return { name: c.name, email: c.email, phone: c.phone ?? '', address: c.address ?? '' };
}
