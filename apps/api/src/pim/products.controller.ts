import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { BatchService } from './batch.service';
import { BatchProductsDto, CreateProductDto, CreateVariantDto, ListProductsQueryDto, UpdateProductDto, UpdateVariantDto } from './dto/product.dto';
import { ProductsService } from './products.service';

const uuid = new ParseUUIDPipe();

@ApiTags('pim: products')
@ApiBearerAuth()
@Controller('api/v1/pim/products')
export class ProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly batch: BatchService,
  ) {}

  /** A plain array of at most 100 products ordered by creation; next page in the Link header. */
  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: ListProductsQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.products.listJson(
      ctx,
      { status: q.status, category: q.category, brandId: q.brand_id, q: q.q, updatedSince: q.updated_since ? new Date(q.updated_since) : undefined },
      q.limit ?? 100,
      q.cursor,
    );
    setNextLink(req, res, page.nextCursor);
    res.type('application/json').send(`[${page.items.join(',')}]`);
  }

  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateProductDto) {
    return this.products.create(ctx, dto);
  }

  /** Upsert up to 1,000 products; one result per item. */
  @Post('batch')
  @HttpCode(200)
  async upsertBatch(@Ctx() ctx: TenantContext, @Body() dto: BatchProductsDto) {
    return { results: await this.batch.upsert(ctx, dto.products) };
  }

  @Get(':id')
  async get(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Res() res: Response): Promise<void> {
    res.type('application/json').send(await this.products.getJson(ctx, id));
  }

  @Put(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateProductDto) {
    return this.products.update(ctx, id, dto);
  }

  @Patch(':id')
  patch(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateProductDto) {
    return this.products.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.products.remove(ctx, id);
  }

  @Post(':product_id/variants')
  createVariant(@Ctx() ctx: TenantContext, @Param('product_id', uuid) productId: string, @Body() dto: CreateVariantDto) {
    return this.products.createVariant(ctx, productId, dto);
  }

  @Get(':product_id/variants')
  listVariants(@Ctx() ctx: TenantContext, @Param('product_id', uuid) productId: string) {
    return this.products.listVariants(ctx, productId);
  }

  @Get(':product_id/variants/:variant_id')
  getVariant(@Ctx() ctx: TenantContext, @Param('product_id', uuid) productId: string, @Param('variant_id', uuid) variantId: string) {
    return this.products.getVariant(ctx, productId, variantId);
  }

  @Put(':product_id/variants/:variant_id')
  updateVariant(
    @Ctx() ctx: TenantContext,
    @Param('product_id', uuid) productId: string,
    @Param('variant_id', uuid) variantId: string,
    @Body() dto: UpdateVariantDto,
  ) {
    return this.products.updateVariant(ctx, productId, variantId, dto);
  }

  @Patch(':product_id/variants/:variant_id')
  patchVariant(
    @Ctx() ctx: TenantContext,
    @Param('product_id', uuid) productId: string,
    @Param('variant_id', uuid) variantId: string,
    @Body() dto: UpdateVariantDto,
  ) {
    return this.products.updateVariant(ctx, productId, variantId, dto);
  }

  @Delete(':product_id/variants/:variant_id')
  @HttpCode(204)
  async removeVariant(@Ctx() ctx: TenantContext, @Param('product_id', uuid) productId: string, @Param('variant_id', uuid) variantId: string): Promise<void> {
    await this.products.removeVariant(ctx, productId, variantId);
  }
}
