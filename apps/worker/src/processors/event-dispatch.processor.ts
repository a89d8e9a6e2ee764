import { Injectable } from '@nestjs/common';
import { EventDispatcher } from '@synq/events';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Hands committed domain events to their subscribers (webhook fan-out, auto-sync, …). */
@Injectable()
@JobProcessor('event.dispatch')
export class EventDispatchProcessor implements JobHandler<'event.dispatch'> {
  constructor(private readonly dispatcher: EventDispatcher) {}

  async handle(data: JobData<'event.dispatch'>): Promise<{ dispatched: number }> {
    return { dispatched: await this.dispatcher.dispatch(data.tenantId, data.eventIds) };
  }
}
