import { Global, Module } from '@nestjs/common';
import { ChangeRecorder } from './change-recorder.service';
import { OutboxService } from './outbox.service';

/** Shared by api and worker: writing events and jobs into the outbox. */
@Global()
@Module({ providers: [OutboxService, ChangeRecorder], exports: [OutboxService, ChangeRecorder] })
export class EventsModule {}
