import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ConnectionOptions, Job, UnrecoverableError, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { DomainError } from '@synq/common';
import { LOGGER, Logger } from '@synq/logger';
import {
  backoffDelay,
  JOB_NAMES,
  JOB_PROCESSOR,
  JobHandler,
  JobName,
  JOBS,
  PermanentError,
  QueueName,
} from '@synq/queue';
import { redisOptions } from '@synq/redis';

export class MissingProcessorError extends Error {}

/** Collects the processors of the catalogue; refuses to start when one is missing. */
export function collectHandlers(discovery: DiscoveryService): Map<JobName, JobHandler<JobName>> {
  const handlers = new Map<JobName, JobHandler<JobName>>();
  for (const wrapper of discovery.getProviders()) {
    if (!wrapper.metatype || !wrapper.instance) continue;
    const name = Reflect.getMetadata(JOB_PROCESSOR, wrapper.metatype) as JobName | undefined;
    if (!name) continue;
    if (handlers.has(name)) throw new MissingProcessorError(`Job ${name} has two processors`);
    handlers.set(name, wrapper.instance as JobHandler<JobName>);
  }
  const missing = JOB_NAMES.filter((n) => !handlers.has(n));
  if (missing.length) throw new MissingProcessorError(`No processor for job(s): ${missing.join(', ')}`);
  return handlers;
}

/**
 * Runs one BullMQ worker per queue of the catalogue and routes each job to its processor.
 * Permanent errors fail the job at once; others retry with exponential backoff and jitter,
 * never sooner than the remote side's Retry-After. SIGTERM lets in-flight jobs finish.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers: Worker[] = [];
  private handlers = new Map<JobName, JobHandler<JobName>>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.handlers = collectHandlers(this.discovery);
    const queues = new Set<QueueName>(Object.values(JOBS).map((d) => d.queue));
    for (const queue of queues) {
      const worker = new Worker(queue, (job) => this.process(job), {
        connection: redisOptions(this.config.redisUrl, { maxRetriesPerRequest: null }) as ConnectionOptions,
        prefix: this.config.redisPrefix,
        // webhook deliveries and sync pushes wait on remote servers: their queues have their own, wider settings
        concurrency: queue === 'webhooks' ? this.config.webhookConcurrency : queue === 'sync' ? this.config.syncConcurrency : this.config.workerConcurrency,
        lockDuration: this.config.workerLockMs,
        stalledInterval: this.config.workerLockMs,
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => backoffDelay(attemptsMade, err) },
      });
      worker.on('error', (err) => this.logger.warn({ queue, err: err.message }, 'worker connection error'));
      worker.on('failed', (job, err) =>
        this.logger.warn({ queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job attempt failed'),
      );
      this.workers.push(worker);
    }
    this.logger.info({ queues: [...queues], jobs: JOB_NAMES.length }, 'synq worker started');
  }

  /** The processor of a catalogued job (agents run their kind's job in-process through it). */
  handlerFor<N extends JobName>(name: N): JobHandler<N> | undefined {
    return this.handlers.get(name) as JobHandler<N> | undefined;
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`No processor for ${job.name}`);
    try {
      return await handler.handle(job.data, job);
    } catch (err) {
      if (err instanceof PermanentError) throw new UnrecoverableError(err.message);
      if (err instanceof DomainError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) {
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
  }
}
