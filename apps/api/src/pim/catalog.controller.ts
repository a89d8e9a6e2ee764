import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Page, TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { AttributesService } from './attributes.service';
import {
  CreateAttributeDto,
  CreateAttributeGroupDto,
  CreateBrandDto,
  CreateCategoryDto,
  CreateMediaDto,
  CreateTemplateDto,
  DeleteCategoryQueryDto,
  ListMediaQueryDto,
  UpdateAttributeDto,
  UpdateAttributeGroupDto,
  UpdateBrandDto,
  UpdateCategoryDto,
  UpdateMediaDto,
  UpdateTemplateDto,
} from './dto/taxonomy.dto';
import { MediaService } from './media.service';
import { TaxonomyService } from './taxonomy.service';

const uuid = new ParseUUIDPipe();

function send<T>(req: Request, res: Response, page: Page<T>): T[] {
  setNextLink(req, res, page.nextCursor);
  return page.items;
}

/** Categories, brands, attributes, attribute groups, templates and media of the catalog. */
@ApiTags('pim: catalog')
@ApiBearerAuth()
@Controller('api/v1/pim')
export class CatalogController {
  constructor(
    private readonly taxonomy: TaxonomyService,
    private readonly attributes: AttributesService,
    private readonly media: MediaService,
  ) {}

  // categories
  @Get('categories')
  async listCategories(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(req, res, await this.taxonomy.listCategories(ctx, q.limit ?? 100, q.cursor));
  }
  @Post('categories')
  createCategory(@Ctx() ctx: TenantContext, @Body() dto: CreateCategoryDto) {
    return this.taxonomy.createCategory(ctx, dto);
  }
  @Get('categories/:id')
  getCategory(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.taxonomy.getCategory(ctx, id);
  }
  @Put('categories/:id')
  updateCategory(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateCategoryDto) {
    return this.taxonomy.updateCategory(ctx, id, dto);
  }
  @Patch('categories/:id')
  patchCategory(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateCategoryDto) {
    return this.taxonomy.updateCategory(ctx, id, dto);
  }
  @Delete('categories/:id')
  @HttpCode(204)
  async deleteCategory(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Query() q: DeleteCategoryQueryDto): Promise<void> {
    await this.taxonomy.deleteCategory(ctx, id, q.reassign_to);
  }

  // brands
  @Get('brands')
  async listBrands(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(req, res, await this.taxonomy.listBrands(ctx, q.limit ?? 100, q.cursor));
  }
  @Post('brands')
  createBrand(@Ctx() ctx: TenantContext, @Body() dto: CreateBrandDto) {
    return this.taxonomy.createBrand(ctx, dto);
  }
  @Get('brands/:id')
  getBrand(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.taxonomy.getBrand(ctx, id);
  }
  @Put('brands/:id')
  updateBrand(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateBrandDto) {
    return this.taxonomy.updateBrand(ctx, id, dto);
  }
  @Patch('brands/:id')
  patchBrand(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateBrandDto) {
    return this.taxonomy.updateBrand(ctx, id, dto);
  }
  @Delete('brands/:id')
  @HttpCode(204)
  async deleteBrand(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.taxonomy.deleteBrand(ctx, id);
  }

  // attributes
  @Get('attributes')
  async listAttributes(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(req, res, await this.attributes.listAttributes(ctx, q.limit ?? 100, q.cursor));
  }
  @Post('attributes')
  createAttribute(@Ctx() ctx: TenantContext, @Body() dto: CreateAttributeDto) {
    return this.attributes.createAttribute(ctx, dto);
  }
  @Get('attributes/:id')
  getAttribute(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.attributes.getAttribute(ctx, id);
  }
  @Put('attributes/:id')
  updateAttribute(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateAttributeDto) {
    return this.attributes.updateAttribute(ctx, id, dto);
  }
  @Patch('attributes/:id')
  patchAttribute(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateAttributeDto) {
    return this.attributes.updateAttribute(ctx, id, dto);
  }
  @Delete('attributes/:id')
  @HttpCode(204)
  async deleteAttribute(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.attributes.deleteAttribute(ctx, id);
  }

  // attribute groups
  @Get('attribute-groups')
  async listGroups(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(req, res, await this.attributes.listGroups(ctx, q.limit ?? 100, q.cursor));
  }
  @Post('attribute-groups')
  createGroup(@Ctx() ctx: TenantContext, @Body() dto: CreateAttributeGroupDto) {
    return this.attributes.createGroup(ctx, dto);
  }
  @Get('attribute-groups/:id')
  getGroup(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.attributes.getGroup(ctx, id);
  }
  @Put('attribute-groups/:id')
  updateGroup(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateAttributeGroupDto) {
    return this.attributes.updateGroup(ctx, id, dto);
  }
  @Patch('attribute-groups/:id')
  patchGroup(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateAttributeGroupDto) {
    return this.attributes.updateGroup(ctx, id, dto);
  }
  @Delete('attribute-groups/:id')
  @HttpCode(204)
  async deleteGroup(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.attributes.deleteGroup(ctx, id);
  }

  // templates
  @Get('templates')
  async listTemplates(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(req, res, await this.attributes.listTemplates(ctx, q.limit ?? 100, q.cursor));
  }
  @Post('templates')
  createTemplate(@Ctx() ctx: TenantContext, @Body() dto: CreateTemplateDto) {
    return this.attributes.createTemplate(ctx, dto);
  }
  @Get('templates/:id')
  getTemplate(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.attributes.getTemplate(ctx, id);
  }
  @Put('templates/:id')
  updateTemplate(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateTemplateDto) {
    return this.attributes.updateTemplate(ctx, id, dto);
  }
  @Patch('templates/:id')
  patchTemplate(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateTemplateDto) {
    return this.attributes.updateTemplate(ctx, id, dto);
  }
  @Delete('templates/:id')
  @HttpCode(204)
  async deleteTemplate(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.attributes.deleteTemplate(ctx, id);
  }

  // media
  @Get('media')
  async listMedia(@Ctx() ctx: TenantContext, @Query() q: ListMediaQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(req, res, await this.media.list(ctx, { productId: q.product_id, variantId: q.variant_id }, q.limit ?? 100, q.cursor));
  }
  @Post('media')
  createMedia(@Ctx() ctx: TenantContext, @Body() dto: CreateMediaDto) {
    return this.media.create(ctx, dto);
  }
  @Get('media/:id')
  getMedia(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.media.get(ctx, id);
  }
  @Put('media/:id')
  updateMedia(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateMediaDto) {
    return this.media.update(ctx, id, dto);
  }
  @Patch('media/:id')
  patchMedia(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateMediaDto) {
    return this.media.update(ctx, id, dto);
  }
  @Delete('media/:id')
  @HttpCode(204)
  async deleteMedia(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.media.remove(ctx, id);
  }
}
