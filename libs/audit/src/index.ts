export * from './diff';
export * from './audit.service';
export * from './audit.module';
