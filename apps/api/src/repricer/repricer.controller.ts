import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { Roles } from '../common/route-metadata';
import { CreateRuleDto, UpdateRuleDto } from './dto/rule.dto';
import { RepricerService } from './repricer.service';

const uuid = () => new ParseUUIDPipe();

/** Repricer rules on the Developer API (`/v1/repricer/rules`) and the Platform API (`/api/v1/repricer/rules`). */
@ApiTags('repricer')
@ApiBearerAuth()
@Controller(['v1/repricer/rules', 'api/v1/repricer/rules'])
export class RepricerController {
  constructor(private readonly repricer: RepricerService) {}

  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateRuleDto) {
    return this.repricer.create(ctx, dto);
  }

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.repricer.list(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.repricer.get(ctx, id);
  }

  @Patch(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: UpdateRuleDto) {
    return this.repricer.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string): Promise<void> {
    await this.repricer.remove(ctx, id);
  }

  /** What the rule would do to each listing in its scope now; changes nothing. */
  @Post(':id/simulate')
  @HttpCode(200)
  @Roles('viewer')
  simulate(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.repricer.simulate(ctx, id);
  }
}
