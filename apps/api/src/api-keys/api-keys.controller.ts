import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Roles } from '../common/route-metadata';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates a secret key; the full key is in this response only. */
  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateApiKeyDto) {
    return this.apiKeys.create(ctx, dto);
  }

  @Get()
  list(@Ctx() ctx: TenantContext) {
    return this.apiKeys.list(ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Ctx() ctx: TenantContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.apiKeys.revoke(ctx, id);
  }
}
