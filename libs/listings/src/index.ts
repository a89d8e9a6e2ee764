export * from './money';
export * from './pricing';
export * from './repricer.queries';
export * from './listing-push';
export * from './repricer.engine';
export * from './listings-lib.module';
