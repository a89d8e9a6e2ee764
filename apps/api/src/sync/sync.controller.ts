import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { PushProductDto, SyncRunsQueryDto } from './dto/sync.dto';
import { SyncService } from './sync.service';

const uuid = new ParseUUIDPipe();

@ApiTags('sync')
@ApiBearerAuth()
@Controller()
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  /** Push a product to every connected storefront (asynchronous: 202). */
  @Post('unified/sync/push/product')
  @HttpCode(202)
  push(@Ctx() ctx: TenantContext, @Body() dto: PushProductDto) {
    return this.sync.push(ctx, dto);
  }

  /** The sync ledger of a product: one row per connection. */
  @Get('api/v1/sync/products/:productId')
  ledger(@Ctx() ctx: TenantContext, @Param('productId', uuid) productId: string) {
    return this.sync.ledger(ctx, productId);
  }

  /** Re-push the product's FAILED connections. */
  @Post('api/v1/sync/products/:productId/retry')
  @HttpCode(202)
  retry(@Ctx() ctx: TenantContext, @Param('productId', uuid) productId: string) {
    return this.sync.retry(ctx, productId);
  }

  /** Sync attempts, newest first (filters: status, connection_id, product_id); next page in Link. */
  @Get('api/v1/sync/runs')
  async runs(@Ctx() ctx: TenantContext, @Query() q: SyncRunsQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.sync.runs(ctx, q);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  /** Ledger counts by status per connection. */
  @Get('api/v1/sync/summary')
  summary(@Ctx() ctx: TenantContext) {
    return this.sync.summary(ctx);
  }
}
