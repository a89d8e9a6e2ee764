import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Storefront } from '@synq/database';
import { Public } from '../common/route-metadata';
import type { SynqRequest } from '../common/request';
import { AcceptQuoteDto, CreateQuoteDto, CreateStorefrontOrderDto, FileAccessQueryDto, QuoteAccessQueryDto } from './dto/storefront.dto';
import { QuotesService } from './quotes.service';
import { CurrentStorefront } from './storefront-context';
import { StorefrontKeyGuard } from './storefront-key.guard';
import { StorefrontPublicService } from './storefront-public.service';
import { UploadsService } from './uploads.service';
import { StorefrontOrdersService } from './storefront-orders.service';

/**
 * The public storefront API (publishable key as `?key=` or `X-Synqro-Store`; CORS open). Each route
 * acts on the key's store only.
 */
@ApiTags('storefront (public)')
@ApiQuery({ name: 'key', required: false, description: 'publishable key sf_… (or the X-Synqro-Store header)' })
@Public()
@Controller('api/storefront')
export class StorefrontPublicController {
  constructor(
    private readonly publicSvc: StorefrontPublicService,
    private readonly quotes: QuotesService,
    private readonly uploads: UploadsService,
    private readonly orders: StorefrontOrdersService,
  ) {}

  @Get('config')
  @UseGuards(StorefrontKeyGuard)
  config(@CurrentStorefront() sf: Storefront) {
    return this.publicSvc.config(sf);
  }

  /** A pre-priced order: pending with stock reserved, answered with the Stripe Checkout URL. */
  @Post('order')
  @UseGuards(StorefrontKeyGuard)
  placeOrder(@CurrentStorefront() sf: Storefront, @Body() dto: CreateStorefrontOrderDto, @Req() req: SynqRequest) {
    return this.orders.place(sf, dto, req.id);
  }

  @Post('quote')
  @UseGuards(StorefrontKeyGuard)
  createQuote(@CurrentStorefront() sf: Storefront, @Body() dto: CreateQuoteDto, @Req() req: SynqRequest) {
    return this.quotes.create(sf, dto, req.id);
  }

  @Get('quote')
  @UseGuards(StorefrontKeyGuard)
  getQuote(@CurrentStorefront() sf: Storefront, @Query() q: QuoteAccessQueryDto) {
    return this.quotes.getForCustomer(sf, q.id, q.token);
  }

  @Post('quote/accept')
  @HttpCode(200)
  @UseGuards(StorefrontKeyGuard)
  accept(@CurrentStorefront() sf: Storefront, @Body() dto: AcceptQuoteDto, @Req() req: SynqRequest) {
    return this.quotes.accept(sf, dto.quote_id, dto.token, req.id);
  }

  /** multipart/form-data with one `file` field */
  @Post('upload')
  @ApiConsumes('multipart/form-data')
  @UseGuards(StorefrontKeyGuard)
  upload(@CurrentStorefront() sf: Storefront, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.uploads.upload(sf, req, res);
  }

  /** The uploader's own link to a file (token from the upload response). */
  @Get('files/:id')
  async file(@Param('id') id: string, @Query() q: FileAccessQueryDto, @Res() res: Response): Promise<void> {
    await this.uploads.send(await this.uploads.forToken(id, q.token), res);
  }
}
