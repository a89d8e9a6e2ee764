import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@synq/config';
import { Logger, PinoNestLogger } from '@synq/logger';
import { WorkerModule } from './worker.module';

/** Builds and starts the worker (no HTTP): used by main.ts and the tests. */
export async function createWorker(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
