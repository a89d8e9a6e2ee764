export * from './ids';
export * from './outbox.service';
export * from './event-subscriber';
export * from './outbox-relay.service';
export * from './event-dispatcher.service';
export * from './events.module';
export * from './event-types';
export * from './webhook-signing';
