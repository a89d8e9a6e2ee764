import 'reflect-metadata';
import { ConfigError, loadConfig } from '@synq/config';
import { createLogger } from '@synq/logger';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`synq-worker: invalid configuration: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, 'synq-worker');
  await createWorker(config, logger);
}

void main().catch((err) => {
  console.error('synq-worker failed to start:', err);
  process.exit(1);
});
