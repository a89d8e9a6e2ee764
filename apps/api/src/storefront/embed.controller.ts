import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { Public } from '../common/route-metadata';
import { embedCsp, renderEmbedPage, renderNotFoundPage } from './embed-page';
import { StorefrontPublicService } from './storefront-public.service';
import { StorefrontService } from './storefront.service';
import { StripeConnectService } from './stripe-connect.service';

/** GET /s/{publishableKey}: the embeddable order & quote page. */
@ApiExcludeController()
@Public()
@Controller('s')
export class EmbedController {
  constructor(
    private readonly storefronts: StorefrontService,
    private readonly publicSvc: StorefrontPublicService,
    private readonly stripe: StripeConnectService,
  ) {}

  @Get(':key')
  async page(@Param('key') key: string, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    const sf = await this.storefronts.findEnabledByKey(key);
    if (!sf) {
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *");
      res.status(404).type('html').send(renderNotFoundPage());
      return;
    }
    const [products, paymentsEnabled] = await Promise.all([this.publicSvc.products(sf), this.stripe.paymentsEnabled(sf.tenantId)]);
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', embedCsp(nonce, sf.allowedOrigins ?? []));
    res.status(200).type('html').send(
      renderEmbedPage({
        key: sf.publishableKey!,
        name: sf.displayName ?? 'Store',
        logoUrl: sf.logoUrl,
        accent: sf.accentColor,
        currency: sf.currency,
        paymentsEnabled,
        allowQuotes: sf.allowQuotes,
        fileTypes: sf.allowedFileTypes,
        maxFileBytes: sf.maxFileBytes,
        products,
        nonce,
      }),
    );
  }
}
