import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Public, Roles } from '../common/route-metadata';
import { StripeConnectDto, StripeReturnQueryDto } from './dto/storefront.dto';
import { StripeConnectService } from './stripe-connect.service';

/** Stripe Connect for storefront payments (direct charges on the merchant's account). */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('api/v1/integrations/stripe')
export class StripeConnectController {
  constructor(private readonly stripe: StripeConnectService) {}

  /** A Stripe-hosted onboarding link for the merchant's account: `{url}`. */
  @Post('connect')
  @HttpCode(200)
  @Roles('admin')
  connect(@Ctx() ctx: TenantContext, @Body() dto: StripeConnectDto) {
    return this.stripe.connect(ctx, dto.return_url);
  }

  @Get()
  status(@Ctx() ctx: TenantContext) {
    return this.stripe.status(ctx);
  }

  @Delete()
  @HttpCode(204)
  @Roles('admin')
  async disconnect(@Ctx() ctx: TenantContext): Promise<void> {
    await this.stripe.disconnect(ctx);
  }

  /** Stripe sends the merchant here after onboarding; the single-use state names the tenant. */
  @Public()
  @Get('return')
  async complete(@Query() q: StripeReturnQueryDto, @Res() res: Response): Promise<void> {
    const done = await this.stripe.complete(q.state);
    if (done.returnUrl) {
      const u = new URL(done.returnUrl);
      u.searchParams.set('stripe', done.status.charges_enabled ? 'connected' : 'pending');
      res.redirect(302, u.toString());
      return;
    }
    res.status(200).json(done.status);
  }

  /** The onboarding link expired: Stripe sends the merchant here for a fresh one. */
  @Public()
  @Get('refresh')
  async refresh(@Query() q: StripeReturnQueryDto, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.stripe.refresh(q.state));
  }
}
