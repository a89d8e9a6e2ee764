import { SetMetadata } from '@nestjs/common';
import type { DomainEvent } from '@synq/database';

export const EVENT_SUBSCRIBER = Symbol('EVENT_SUBSCRIBER');

/**
 * Marks a provider that reacts to committed domain events in the worker. Subscribers must be
 * idempotent: an event is delivered to them at least once.
 */
export const DomainEventSubscriber = (): ClassDecorator => SetMetadata(EVENT_SUBSCRIBER, true);

export interface EventSubscriber {
  /** true when this subscriber wants events of the type */
  handles(type: string): boolean;
  handle(event: DomainEvent): Promise<void>;
  /** optional batch form, used for the events of one dispatch job (e.g. a bulk change) */
  handleMany?(events: DomainEvent[]): Promise<void>;
}
