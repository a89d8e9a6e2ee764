import { Module } from '@nestjs/common';
import { AccountService } from './account.service';
import { AuthController } from './auth.controller';

@Module({ controllers: [AuthController], providers: [AccountService], exports: [AccountService] })
export class AuthModule {}
