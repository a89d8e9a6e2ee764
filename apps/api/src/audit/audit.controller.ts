import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '@synq/audit';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { Roles } from '../common/route-metadata';
import { AuditQueryDto } from './dto/audit-query.dto';
import { auditView } from './audit.view';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The tenant's audit log, newest first. */
  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: AuditQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.audit.list(ctx, {
      resourceTypes: q.resource_type ? [q.resource_type] : undefined,
      resourceId: q.resource_id,
      actorId: q.actor_id,
      action: q.action,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      cursor: q.cursor,
      limit: q.limit ?? 100,
    });
    setNextLink(req, res, page.nextCursor);
    return page.items.map(auditView);
  }
}
