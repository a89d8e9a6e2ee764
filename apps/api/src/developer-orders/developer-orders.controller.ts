import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { ListOrdersQueryDto, orderFilterOf } from '../orders/dto/orders.dto';
import { DeveloperOrdersService } from './developer-orders.service';

/** Orders on the Developer API (tenant from the secret key), read from the orders module. */
@ApiTags('developer')
@ApiBearerAuth()
@Controller('v1/orders')
export class DeveloperOrdersController {
  constructor(private readonly orders: DeveloperOrdersService) {}

  /** Oldest first, keyset pagination (`Link: rel="next"`); filters status, channel_id, created_from/to, customer_email, external_id. */
  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: ListOrdersQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.orders.list(
      ctx,
      orderFilterOf(q),
      q.limit ?? 100,
      q.cursor,
    );
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id') id: string) {
    return this.orders.get(ctx, id);
  }
}
