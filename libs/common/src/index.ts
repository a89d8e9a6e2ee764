export * from './errors';
export * from './tenant-context';
export * from './pagination';
export * from './sql';
export * from './periodic';
export * from './ttl-cache';
export * from './coalescer';
