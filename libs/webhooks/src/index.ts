export * from './delivery-policy';
export * from './webhook-secrets';
export * from './webhook-delivery.service';
export * from './webhook-fanout.subscriber';
export * from './webhook-sweeper.service';
