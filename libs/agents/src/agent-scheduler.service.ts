import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '@synq/common';
import { APP_CONFIG, AppConfig } from '@synq/config';
import { prepared } from '@synq/database';
import { LOGGER, Logger } from '@synq/logger';
import { CLAIM_BATCH, CLAIM_DUE_SQL } from './agent-store';

/**
 * The agents' clock, in the worker: every AGENT_TICK_MS it claims the due agents and queues their
 * runs (see CLAIM_DUE_SQL). Any number of workers run it side by side; state lives only in PostgreSQL.
 */
@Injectable()
export class AgentScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('agent scheduler pass', config.agentTickMs, () => this.pass(), 0, logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** One pass (repeated while a full batch was due); answers how many runs were queued. */
  tick(): Promise<number> {
    return this.task.runOnce();
  }

  private async pass(): Promise<number> {
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const n = (await prepared<{ n: number }>(this.db, CLAIM_DUE_SQL, []))[0]?.n ?? 0;
      total += n;
      if (n < CLAIM_BATCH) break;
    }
    return total;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
