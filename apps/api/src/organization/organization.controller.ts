import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { Roles } from '../common/route-metadata';
import { AddMemberDto, UpdateMemberDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationService } from './organization.service';

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization')
export class OrganizationController {
  constructor(private readonly orgs: OrganizationService) {}

  @Get()
  get(@Ctx() ctx: TenantContext) {
    return this.orgs.get(ctx);
  }

  @Roles('admin')
  @Patch()
  update(@Ctx() ctx: TenantContext, @Body() dto: UpdateOrganizationDto) {
    return this.orgs.update(ctx, dto);
  }

  @Get('members')
  async members(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.orgs.listMembers(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Roles('admin')
  @Post('members')
  addMember(@Ctx() ctx: TenantContext, @Body() dto: AddMemberDto) {
    return this.orgs.addMember(ctx, dto);
  }

  @Roles('admin')
  @Patch('members/:id')
  updateMember(@Ctx() ctx: TenantContext, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateMemberDto) {
    return this.orgs.updateMember(ctx, id, dto);
  }

  @Roles('admin')
  @Delete('members/:id')
  @HttpCode(204)
  async removeMember(@Ctx() ctx: TenantContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.orgs.removeMember(ctx, id);
  }
}
