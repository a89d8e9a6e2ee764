import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { Public, Roles } from '../common/route-metadata';
import { AccountService } from './account.service';
import { LoginDto, RegisterDto, RegisterFromPluginDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly accounts: AccountService) {}

  @Public()
  @Post('register')
  register(@Body() dto: RegisterDto) {
    return this.accounts.register(dto.email, dto.password, dto.organizationName);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto) {
    return this.accounts.login(dto.email, dto.password);
  }

  @Public()
  @Post('register-from-plugin')
  @HttpCode(200)
  registerFromPlugin(@Body() dto: RegisterFromPluginDto) {
    return this.accounts.registerFromPlugin(dto.email, dto.storeUrl, dto.source, dto.siteSecret);
  }

  @ApiBearerAuth()
  @Roles('viewer')
  @Get('account-status')
  accountStatus(@Ctx() ctx: TenantContext) {
    return this.accounts.accountStatus(ctx);
  }
}
