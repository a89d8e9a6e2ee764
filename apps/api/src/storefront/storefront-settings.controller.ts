import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Roles } from '../common/route-metadata';
import { UpdateStorefrontDto } from './dto/storefront.dto';
import { StorefrontService } from './storefront.service';

/** The merchant's storefront module settings (Platform API). */
@ApiTags('storefront')
@ApiBearerAuth()
@Controller('api/v1/storefront')
export class StorefrontSettingsController {
  constructor(private readonly storefronts: StorefrontService) {}

  @Get()
  get(@Ctx() ctx: TenantContext) {
    return this.storefronts.get(ctx);
  }

  /** Enabling creates the publishable key `sf_live_…`. */
  @Patch()
  @Roles('admin')
  update(@Ctx() ctx: TenantContext, @Body() dto: UpdateStorefrontDto) {
    return this.storefronts.update(ctx, dto);
  }

  /** A new publishable key; the old one stops working at once. */
  @Post('rotate-key')
  @HttpCode(200)
  @Roles('admin')
  rotateKey(@Ctx() ctx: TenantContext) {
    return this.storefronts.rotateKey(ctx);
  }
}
