export * from './sync-product.loader';
export * from './sync-fanout.service';
export * from './sync-product.runner';
export * from './sync-batch.runner';
export * from './auto-sync.subscriber';
export * from './sync-sweeper.service';
export * from './sync-engine.module';
