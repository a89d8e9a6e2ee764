import { Global, Module } from '@nestjs/common';
import { OutboxService } from './outbox.service';

/** Shared by api and worker: writing events and jobs into the outbox. */
@Global()
@Module({ providers: [OutboxService], exports: [OutboxService] })
export class EventsModule {}
