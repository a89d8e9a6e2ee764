import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { CreateListingDto, ListingQueryDto, RecordCompetitorPricesDto, UpdateListingDto } from './dto/listing.dto';
import { ListingsService } from './listings.service';

const uuid = () => new ParseUUIDPipe();

/**
 * Listings on the Developer API (`/v1/listings`, tenant from the secret key) and the Platform API
 * (`/api/v1/listings`, tenant headers): one service behind both.
 */
@ApiTags('listings')
@ApiBearerAuth()
@Controller(['v1/listings', 'api/v1/listings'])
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateListingDto) {
    return this.listings.create(ctx, dto);
  }

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: ListingQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.listings.list(ctx, q);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.listings.get(ctx, id);
  }

  @Patch(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: UpdateListingDto) {
    return this.listings.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string): Promise<void> {
    await this.listings.remove(ctx, id);
  }

  /** Records competitor observations; the worker re-evaluates the listing's repricer rules. */
  @Post(':id/competitor-prices')
  recordCompetitorPrices(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: RecordCompetitorPricesDto) {
    return this.listings.recordCompetitorPrices(ctx, id, dto);
  }

  /** The latest offer of each competitor, cheapest first. */
  @Get(':id/competitor-prices')
  competitorPrices(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.listings.latestCompetitorPrices(ctx, id);
  }

  /** Price changes, newest first. */
  @Get(':id/price-history')
  async priceHistory(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.listings.priceHistory(ctx, id, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }
}
