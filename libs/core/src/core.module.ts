import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '@synq/audit';
import { AuthLibModule } from '@synq/auth';
import { AppConfig, ConfigModule } from '@synq/config';
import { DatabaseModule } from '@synq/database';
import { EventsModule } from '@synq/events';
import { Logger, LoggerModule } from '@synq/logger';
import { QueueModule } from '@synq/queue';
import { RedisModule } from '@synq/redis';

/**
 * The library graph both processes stand on (GUIDE.md §2): config, logging, PostgreSQL, Redis,
 * queues, the outbox, audit and tokens. The api adds controllers and guards; the worker adds processors.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger, appName: string): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        DatabaseModule.forRoot(appName),
        DiscoveryModule,
        RedisModule,
        QueueModule,
        EventsModule,
        AuditModule,
        AuthLibModule,
      ],
      exports: [DiscoveryModule],
    };
  }
}
