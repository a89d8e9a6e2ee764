import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { UpdateAgentDto } from './dto/agent.dto';
import { AgentsService } from './agents.service';

const uuid = () => new ParseUUIDPipe();

/** The tenant's background automations, on the Developer API (`/v1/agents`) and the Platform API (`/api/v1/agents`). */
@ApiTags('agents')
@ApiBearerAuth()
@Controller(['v1/agents', 'api/v1/agents'])
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.agents.list(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.agents.get(ctx, id);
  }

  @Patch(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: UpdateAgentDto) {
    return this.agents.update(ctx, id, dto);
  }

  @Post(':id/run')
  @HttpCode(202)
  run(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.agents.runNow(ctx, id);
  }
}
