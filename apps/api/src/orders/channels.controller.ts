import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { Roles } from '../common/route-metadata';
import { ChannelsAdminService } from './channels-admin.service';
import { UpdateChannelDto } from './dto/channels.dto';

const uuid = () => new ParseUUIDPipe();

/** The sales channels orders come from: each connection, the storefront and manual/API orders. */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsAdminService) {}

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.channels.list(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.channels.get(ctx, id);
  }

  /** name, enabled, location_id, stock_buffer, import_orders. */
  @Patch(':id')
  @Roles('admin')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: UpdateChannelDto) {
    return this.channels.update(ctx, id, dto);
  }
}
