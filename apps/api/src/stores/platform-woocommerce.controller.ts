import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Roles } from '../common/route-metadata';
import { ConnectStoreDto } from './dto/stores.dto';
import { WooConnectService } from './woo-connect.service';

/** The plugin's connect, from a partner backend on the Platform API (the store joins the caller's tenant). */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('api/v1/integrations')
export class PlatformWooCommerceController {
  constructor(private readonly connector: WooConnectService) {}

  @Post('woocommerce')
  @Roles('admin')
  async connect(@Ctx() ctx: TenantContext, @Body() dto: ConnectStoreDto, @Res({ passthrough: true }) res: Response) {
    const r = await this.connector.connect(dto, ctx);
    res.status(r.created ? 201 : 200);
    return { success: true, channel_id: r.channelId, message: 'Store connected successfully' };
  }
}
