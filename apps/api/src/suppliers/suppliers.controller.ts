import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { CreateSupplierDto, UpdateSupplierDto } from './dto/supplier.dto';
import { SuppliersService } from './suppliers.service';

const uuid = new ParseUUIDPipe();

/** Supplier feed imports (Platform API): configuration, runs now or from an uploaded file, run history. */
@ApiTags('suppliers')
@ApiBearerAuth()
@Controller('api/v1/suppliers')
export class SuppliersController {
  constructor(private readonly suppliers: SuppliersService) {}

  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateSupplierDto) {
    return this.suppliers.create(ctx, dto);
  }

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.suppliers.list(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.suppliers.get(ctx, id);
  }

  @Patch(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateSupplierDto) {
    return this.suppliers.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.suppliers.remove(ctx, id);
  }

  /** Runs the import now from the supplier's URL: 202 with the run id to poll. */
  @Post(':id/run')
  @HttpCode(202)
  run(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.suppliers.runNow(ctx, id);
  }

  /**
   * Imports a file instead of the URL: the request body is the file (Content-Type text/csv,
   * text/tab-separated-values, application/xml, application/json or application/octet-stream),
   * at most the 10 MB body limit. 202 with the run id.
   */
  @Post(':id/upload')
  @HttpCode(202)
  @ApiConsumes('text/csv', 'text/tab-separated-values', 'application/xml', 'application/json', 'application/octet-stream')
  upload(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Req() req: Request & { rawBody?: Buffer }) {
    return this.suppliers.upload(ctx, id, req.rawBody, req);
  }

  @Get(':id/runs')
  async runs(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.suppliers.listRuns(ctx, id, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  /** One run with its counts and the rows it did not apply (line and reason). */
  @Get(':id/runs/:run_id')
  getRun(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Param('run_id', uuid) runId: string) {
    return this.suppliers.getRun(ctx, id, runId);
  }
}
