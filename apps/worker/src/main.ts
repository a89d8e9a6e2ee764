import 'reflect-metadata';
import { loadConfigOrExit } from '@synq/config';
import { createLogger } from '@synq/logger';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit('synq-worker');
  const logger = createLogger(config.logLevel, 'synq-worker');
  await createWorker(config, logger);
}

void main().catch((err) => {
  console.error('synq-worker failed to start:', err);
  process.exit(1);
});
