import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Roles } from '../common/route-metadata';
import { UpdateSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/v1/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  get(@Ctx() ctx: TenantContext) {
    return this.settings.get(ctx);
  }

  @Roles('admin')
  @Patch()
  update(@Ctx() ctx: TenantContext, @Body() dto: UpdateSettingsDto) {
    return this.settings.update(ctx, dto);
  }
}
