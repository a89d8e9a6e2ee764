import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { ListQuotesQueryDto, PriceQuoteDto } from './dto/storefront.dto';
import { QuotesService } from './quotes.service';
import { StorefrontService } from './storefront.service';
import { UploadsService } from './uploads.service';

const uuid = () => new ParseUUIDPipe();

/** The merchant's Quotations box (Platform API). */
@ApiTags('quotes')
@ApiBearerAuth()
@Controller('api/v1/quotes')
export class QuotesController {
  constructor(
    private readonly quotes: QuotesService,
    private readonly storefronts: StorefrontService,
    private readonly uploads: UploadsService,
  ) {}

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: ListQuotesQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.quotes.list(ctx, q.status, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.quotes.get(ctx, id);
  }

  /** pending → quoted (or a new price for a quoted quote). */
  @Post(':id/price')
  @HttpCode(200)
  async price(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: PriceQuoteDto) {
    const sf = await this.storefronts.find(ctx);
    return this.quotes.price(ctx, id, dto, sf?.currency ?? 'USD');
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.quotes.reject(ctx, id);
  }

  /** A file the customer attached to the quote. */
  @Get(':id/files/:fileId')
  async file(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Param('fileId', uuid()) fileId: string, @Res() res: Response): Promise<void> {
    await this.uploads.send(await this.uploads.forMerchant(ctx, id, fileId), res);
  }
}
