import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { CreateFeedDto, PreviewQueryDto, UpdateFeedDto } from './dto/feed.dto';
import { FeedsService } from './feeds.service';

const uuid = new ParseUUIDPipe();

/** Export feeds (Platform API): configuration, preview of the rules, report of left-out items. */
@ApiTags('feeds')
@ApiBearerAuth()
@Controller('api/v1/feeds')
export class FeedsController {
  constructor(private readonly feeds: FeedsService) {}

  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateFeedDto) {
    return this.feeds.create(ctx, dto);
  }

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.feeds.list(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  async get(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.feeds.view(await this.feeds.get(ctx, id));
  }

  @Patch(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Body() dto: UpdateFeedDto) {
    return this.feeds.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string): Promise<void> {
    await this.feeds.remove(ctx, id);
  }

  /** The first items before and after the rules, with the rule that changed each attribute. */
  @Get(':id/preview')
  preview(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string, @Query() q: PreviewQueryDto) {
    return this.feeds.preview(ctx, id, q.limit ?? 20);
  }

  /** Items the last generation left out, with their reasons. */
  @Get(':id/report')
  report(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.feeds.report(ctx, id);
  }

  @Post(':id/generate')
  @HttpCode(202)
  generate(@Ctx() ctx: TenantContext, @Param('id', uuid) id: string) {
    return this.feeds.requestGeneration(ctx, id);
  }
}
