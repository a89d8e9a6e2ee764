export * from './token.service';
export * from './api-key';
export * from './auth-lib.module';
export * from './token-revocations';
