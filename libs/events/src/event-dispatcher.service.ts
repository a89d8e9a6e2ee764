import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainEvent } from '@synq/database';
import { EVENT_SUBSCRIBER, EventSubscriber } from './event-subscriber';

/** Runs in the worker: hands committed events to every subscriber that wants their type. */
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

  /** Dispatches the tenant's events among `eventIds`; returns how many existed. */
  async dispatch(tenantId: string, eventIds: string[]): Promise<number> {
    if (!eventIds.length) return 0;
    const events = await this.events.find({ where: { id: In(eventIds), tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (!events.length) return 0;
    for (const s of this.subscribers) {
      const mine = events.filter((e) => s.handles(e.type));
      if (!mine.length) continue;
      if (s.handleMany) await s.handleMany(mine);
      else for (const e of mine) await s.handle(e);
    }
    await this.events.update({ id: In(events.map((e) => e.id)), tenantId }, { dispatchedAt: new Date() });
    return events.length;
  }
}
