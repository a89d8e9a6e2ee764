import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Roles } from '../common/route-metadata';
import { AuthUrlDto, CallbackDto, ListConnectionsQueryDto, UpdateConnectionDto } from './dto/integrations.dto';
import { IntegrationsService } from './integrations.service';

const uuid = new ParseUUIDPipe();

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('api/v1/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  /** The provider's authorization URL for this tenant, with a single-use state. */
  @Post('auth-url')
  @HttpCode(200)
  @Roles('admin')
  authUrl(@Ctx() ctx: TenantContext, @Body() dto: AuthUrlDto) {
    return this.integrations.authUrl(ctx, dto);
  }

  /** Registers the connection the user just authorized (verified with the provider). */
  @Post('callback')
  @Roles('admin')
  callback(@Ctx() ctx: TenantContext, @Body() dto: CallbackDto) {
    return this.integrations.callback(ctx, dto);
  }

  /** The tenant's connections (ACTIVE by default). */
  @Get('connections')
  list(@Ctx() ctx: TenantContext, @Query() q: ListConnectionsQueryDto) {
    return this.integrations.list(ctx, q.status);
  }

  @Get('connections/:id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.integrations.get(ctx, id);
  }

  /** Pause or resume syncing to a connection. */
  @Patch('connections/:id')
  @Roles('admin')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateConnectionDto) {
    return this.integrations.update(ctx, id, dto);
  }

  /** Disconnect: REVOKED, credentials erased. */
  @Delete('connections/:id')
  @Roles('admin')
  revoke(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.integrations.revoke(ctx, id);
  }
}
