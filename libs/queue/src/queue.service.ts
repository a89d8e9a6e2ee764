import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { redisOptions } from '@synq/redis';
import { JobDefinition, JOBS, JobItem, QueueName, queueOf } from './jobs';

export interface EnqueueItem {
  name: string;
  data: Record<string, unknown>;
  jobId: string;
  delayMs?: number;
}

export function defaultJobOptions(name: string): JobsOptions {
  const def = (JOBS as Record<string, JobDefinition | undefined>)[name];
  return {
    attempts: def?.attempts ?? 5,
    backoff: { type: 'synq' },
    removeOnComplete: def?.removeOnComplete ? true : { count: 1000, age: 3600 },
    removeOnFail: def?.removeOnFail ? true : { count: 5000, age: 7 * 24 * 3600 },
  };
}

/**
 * Producer side of BullMQ. Only the outbox relay (and jobs that fan out into child jobs) enqueue;
 * request handlers write to the outbox instead. Fails fast while Redis is unreachable.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = new Redis(
      redisOptions(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }),
    );
    this.connection.on('error', () => undefined);
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.config.redisPrefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async addBulk(items: EnqueueItem[]): Promise<void> {
    const byQueue = new Map<QueueName, EnqueueItem[]>();
    for (const item of items) {
      const q = queueOf(item.name);
      const list = byQueue.get(q) ?? [];
      list.push(item);
      byQueue.set(q, list);
    }
    for (const [queueName, list] of byQueue) {
      await this.queue(queueName).addBulk(
        list.map((i) => ({
          name: i.name,
          data: i.data,
          opts: { ...defaultJobOptions(i.name), jobId: i.jobId, delay: i.delayMs && i.delayMs > 0 ? i.delayMs : undefined },
        })),
      );
    }
  }

  /** Typed single add with a deterministic job id (fan-out children). */
  async add(item: JobItem, jobId: string, delayMs?: number): Promise<void> {
    await this.addBulk([{ name: item.name, data: item.data as unknown as Record<string, unknown>, jobId, delayMs }]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
