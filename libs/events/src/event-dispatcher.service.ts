import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainEvent } from '@synq/database';
import { EVENT_SUBSCRIBER, EventSubscriber } from './event-subscriber';

/** Runs in the worker: hands a committed event to every subscriber that wants its type. */
@Injectable()
export class EventDispatcher implements OnModuleInit {
  private subscribers: EventSubscriber[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectRepository(DomainEvent) private readonly events: Repository<DomainEvent>,
  ) {}

  onModuleInit(): void {
    this.subscribers = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && Reflect.getMetadata(EVENT_SUBSCRIBER, w.metatype))
      .map((w) => w.instance as EventSubscriber);
  }

  /** Returns false when the event does not exist (for this tenant). */
  async dispatch(tenantId: string, eventId: string): Promise<boolean> {
    const event = await this.events.findOne({ where: { id: eventId, tenantId } });
    if (!event) return false;
    for (const s of this.subscribers) {
      if (s.handles(event.type)) await s.handle(event);
    }
    await this.events.update({ id: event.id, tenantId }, { dispatchedAt: new Date() });
    return true;
  }
}
