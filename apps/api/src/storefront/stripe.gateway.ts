import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DomainError } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { PaymentsNotConfiguredError } from './storefront.errors';

export class StripeUnavailableError extends DomainError {
  constructor(message: string) {
    super(502, 'STRIPE_UNAVAILABLE', `Stripe could not be reached or refused the request: ${message}`);
  }
}

export interface CheckoutLine {
  name: string;
  /** unit price in minor units */
  unitAmount: number;
  quantity: number;
}

export interface CheckoutRequest {
  accountId: string;
  /** idempotency key: derived from the order or quote id, so a retry never creates a second session */
  idempotencyKey: string;
  currency: string;
  lines: CheckoutLine[];
  customerEmail?: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  metadata: Record<string, string>;
  /** platform fee in minor units (0: none) */
  applicationFee: number;
}

/**
 * The platform's one Stripe client (the official SDK; host, port and protocol from config so tests
 * reach a fake). Storefront payments are direct charges: every call on a merchant's behalf passes
 * `stripeAccount`, which the SDK sends as the `Stripe-Account` header.
 */
@Injectable()
export class StripeGateway {
  private readonly client?: Stripe;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.stripeSecretKey) {
      this.client = new Stripe(config.stripeSecretKey, {
        host: config.stripeApiHost,
        port: config.stripeApiPort,
        protocol: config.stripeApiProtocol,
        maxNetworkRetries: 2,
        timeout: 20_000,
        telemetry: false,
        appInfo: { name: 'Synq storefront' },
      });
    }
  }

  get configured(): boolean {
    return !!this.client;
  }

  private stripe(): Stripe {
    if (!this.client) throw new PaymentsNotConfiguredError('Stripe is not configured on this deployment (STRIPE_SECRET_KEY)');
    return this.client;
  }

  /** A Standard connected account for the merchant (idempotent per connect attempt). */
  async createAccount(tenantId: string, attemptId: string, email?: string): Promise<string> {
    const account = await this.call(() =>
      this.stripe().accounts.create(
        { type: 'standard', ...(email ? { email } : {}), metadata: { synq_tenant_id: tenantId } },
        { idempotencyKey: `synq_account_${attemptId}` },
      ),
    );
    return account.id;
  }

  async accountLink(accountId: string, refreshUrl: string, returnUrl: string): Promise<string> {
    const link = await this.call(() =>
      this.stripe().accountLinks.create({ account: accountId, refresh_url: refreshUrl, return_url: returnUrl, type: 'account_onboarding' }),
    );
    return link.url;
  }

  async retrieveAccount(accountId: string): Promise<{ id: string; chargesEnabled: boolean; detailsSubmitted: boolean }> {
    const a = await this.call(() => this.stripe().accounts.retrieve(accountId));
    return { id: a.id, chargesEnabled: !!a.charges_enabled, detailsSubmitted: !!a.details_submitted };
  }

  async createCheckoutSession(req: CheckoutRequest): Promise<{ id: string; url: string; expiresAt: Date }> {
    const session = await this.call(() =>
      this.stripe().checkout.sessions.create(
        {
          mode: 'payment',
          line_items: req.lines.map((l) => ({
            quantity: l.quantity,
            price_data: { currency: req.currency.toLowerCase(), unit_amount: l.unitAmount, product_data: { name: l.name.slice(0, 250) } },
          })),
          ...(req.customerEmail ? { customer_email: req.customerEmail } : {}),
          success_url: req.successUrl,
          cancel_url: req.cancelUrl,
          expires_at: Math.floor(req.expiresAt.getTime() / 1000),
          client_reference_id: req.metadata.synq_quote_id ?? req.metadata.synq_order_id,
          metadata: req.metadata,
          payment_intent_data: {
            metadata: req.metadata,
            ...(req.applicationFee > 0 ? { application_fee_amount: req.applicationFee } : {}),
          },
        },
        { stripeAccount: req.accountId, idempotencyKey: req.idempotencyKey },
      ),
    );
    if (!session.url) throw new StripeUnavailableError('the Checkout Session has no URL');
    return { id: session.id, url: session.url, expiresAt: new Date((session.expires_at ?? 0) * 1000 || req.expiresAt.getTime()) };
  }

  /** Verifies a webhook's Stripe-Signature (HMAC-SHA256, 300 s tolerance) and parses the event. */
  constructEvent(payload: Buffer, signature: string, secret: string): Stripe.Event {
    // verifying needs no API key; a client made with a placeholder key serves deployments without one
    const verifier = this.client ?? new Stripe('sk_test_verify_only', { telemetry: false });
    return verifier.webhooks.constructEvent(payload, signature, secret, 300);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DomainError) throw err;
      const e = err as { type?: string; message?: string; statusCode?: number };
      throw new StripeUnavailableError(e.message ?? String(err));
    }
  }
}

/** Decimal places of a currency's minor unit (JPY 0, USD 2, KWD 3), from the runtime's ICU data. */
export function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}
