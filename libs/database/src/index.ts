export * from './entities';
export * from './data-source';
export * from './database.module';
export * from './pg-errors';
export * from './prepared';
export * from './copy';
