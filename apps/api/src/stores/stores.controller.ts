import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TokenService } from '@synq/auth';
import { TenantContext, UnauthorizedError } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import type { SynqRequest } from '../common/request';
import { Public, Roles } from '../common/route-metadata';
import { ConnectStoreDto, DisconnectStoreDto } from './dto/stores.dto';
import { SyncStatusService } from './sync-status.service';
import { WooConnectService } from './woo-connect.service';

/** The WooCommerce plugin's store endpoints (plugin surface: JWT only, `{statusCode, message, error}`). */
@ApiTags('plugin')
@Controller('api')
export class StoresController {
  constructor(
    private readonly connector: WooConnectService,
    private readonly status: SyncStatusService,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Connects a WooCommerce store: 201 for a new channel, 200 when the store's channel is updated.
   * Public; a valid JWT (optional) connects the store to that account.
   */
  @Public()
  @Post('stores/connect')
  async connect(@Body() dto: ConnectStoreDto, @Req() req: SynqRequest, @Res({ passthrough: true }) res: Response) {
    const r = await this.connector.connect(dto, this.optionalCaller(req));
    res.status(r.created ? 201 : 200);
    return { success: true, token: r.token, channelId: r.channelId, message: 'Store connected successfully' };
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('stores/disconnect')
  @HttpCode(200)
  async disconnect(@Ctx() ctx: TenantContext, @Body() dto: DisconnectStoreDto) {
    await this.connector.disconnect(ctx, dto);
    return { success: true, message: 'Store disconnected' };
  }

  @ApiBearerAuth()
  @Get('sync/status')
  syncStatus(@Ctx() ctx: TenantContext) {
    return this.status.status(ctx);
  }

  /** The caller of a public route that also accepts a JWT: none without the header, 401 for a bad one. */
  private optionalCaller(req: SynqRequest): TenantContext | undefined {
    const header = req.header('authorization');
    if (!header) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const claims = match ? this.tokens.check(match[1]) : undefined;
    if (!claims) throw new UnauthorizedError('Invalid or expired token');
    return { tenantId: claims.tenantId, orgId: claims.orgId, role: claims.role, actorType: 'user', actorId: claims.sub, email: claims.email, requestId: req.id };
  }
}
