import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Public, Roles } from '../common/route-metadata';
import { ShopifyInitDto } from '../stores/dto/stores.dto';
import { ShopifyOAuthService } from './shopify-oauth.service';

@ApiTags('shopify')
@Controller('api/shopify/oauth')
export class ShopifyOAuthController {
  constructor(private readonly oauth: ShopifyOAuthService) {}

  /** The consent URL to send the user to. */
  @ApiBearerAuth()
  @Roles('admin')
  @Post('init')
  @HttpCode(200)
  init(@Ctx() ctx: TenantContext, @Body() dto: ShopifyInitDto) {
    return this.oauth.init(ctx, dto);
  }

  /** Shopify's redirect after consent: verified, then 302 to the panel with the outcome. */
  @Public()
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response) {
    const q = req.originalUrl.indexOf('?');
    const location = await this.oauth.callback(q >= 0 ? req.originalUrl.slice(q + 1) : '');
    res.setHeader('cache-control', 'no-store');
    res.redirect(302, location);
  }

  @ApiBearerAuth()
  @Get('status')
  status() {
    return { configured: this.oauth.configured() };
  }
}
