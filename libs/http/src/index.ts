export * from './address';
export * from './safe-target';
export * from './safe-fetch';
export * from './safe-get';
