export * from './token.service';
export * from './api-key';
export * from './auth-lib.module';
