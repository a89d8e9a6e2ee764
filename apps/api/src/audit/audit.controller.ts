import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '@synq/audit';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { Roles } from '../common/route-metadata';
import { AuditQueryDto } from './dto/audit-query.dto';
import { auditQueryOf, auditView } from './audit.view';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The tenant's audit log, newest first. */
  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: AuditQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.audit.list(ctx, auditQueryOf(q));
    setNextLink(req, res, page.nextCursor);
    return page.items.map(auditView);
  }
}
