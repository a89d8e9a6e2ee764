import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { AuditQueryDto } from '../audit/dto/audit-query.dto';
import { auditQueryOf, auditView } from '../audit/audit.view';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { CreateBulkJobDto, CreateExportDto, ListBulkJobsQueryDto } from './dto/jobs.dto';
import { ValidationQueryDto } from './dto/taxonomy.dto';
import { InsightsService, PIM_RESOURCE_TYPES } from './insights.service';
import { PimJobsService } from './jobs.service';

const uuid = new ParseUUIDPipe();

/** Stats, validation issues, the PIM audit trail, exports and bulk jobs. */
@ApiTags('pim: insights and jobs')
@ApiBearerAuth()
@Controller('api/v1/pim')
export class InsightsController {
  constructor(
    private readonly insights: InsightsService,
    private readonly jobs: PimJobsService,
  ) {}

  @Get('stats')
  stats(@Ctx() ctx: TenantContext) {
    return this.insights.stats(ctx);
  }

  @Get('validation')
  async validation(@Ctx() ctx: TenantContext, @Query() q: ValidationQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.insights.validation(ctx, { code: q.code, severity: q.severity, limit: q.limit ?? 100, cursor: q.cursor });
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get('audit')
  async audit(@Ctx() ctx: TenantContext, @Query() q: AuditQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.insights.audit.list(ctx, auditQueryOf(q, PIM_RESOURCE_TYPES));
    setNextLink(req, res, page.nextCursor);
    return page.items.map(auditView);
  }

  /** Queues a catalog export: 202 {status: "queued", export_id}. */
  @Post('export')
  @HttpCode(202)
  export(@Ctx() ctx: TenantContext, @Body() dto: CreateExportDto) {
    return this.jobs.createExport(ctx, dto);
  }

  @Get('exports/:id')
  getExport(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.jobs.getExport(ctx, id);
  }

  @Get('exports/:id/download')
  async download(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.jobs.openExport(ctx, id);
    res.setHeader('Content-Type', file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="catalog-${id}.${file.format}"`);
    res.setHeader('Content-Length', String(file.size));
    return new StreamableFile(file.stream);
  }

  @Get('bulk-jobs')
  async listBulkJobs(@Ctx() ctx: TenantContext, @Query() q: ListBulkJobsQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.jobs.listBulkJobs(ctx, q.type ?? 'BULK_UPDATE', q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  /** Queues a bulk update or delete: 202 with the job (status "queued"). */
  @Post('bulk-jobs')
  @HttpCode(202)
  createBulkJob(@Ctx() ctx: TenantContext, @Body() dto: CreateBulkJobDto) {
    return this.jobs.createBulkJob(ctx, dto);
  }

  @Get('bulk-jobs/:id')
  getBulkJob(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.jobs.getBulkJob(ctx, id);
  }
}
