import 'reflect-metadata';
import { loadConfigOrExit } from '@synq/config';
import { createLogger } from '@synq/logger';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit('synq-api');
  const logger = createLogger(config.logLevel, 'synq-api');
  const app = await createApiApp(config, logger);
  await app.listen(config.port, config.host);
  logger.info({ port: config.port }, 'synq api listening');
}

void main().catch((err) => {
  console.error('synq-api failed to start:', err);
  process.exit(1);
});
