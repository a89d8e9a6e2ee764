import { Global, Module } from '@nestjs/common';
import { TokenService } from './token.service';
import { TokenRevocations } from './token-revocations';

@Global()
@Module({ providers: [TokenService, TokenRevocations], exports: [TokenService, TokenRevocations] })
export class AuthLibModule {}
