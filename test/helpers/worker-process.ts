import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Stack } from './stack';
import { TEST_REDIS_URL } from '../test-env';

const root = join(__dirname, '..', '..');

/**
 * The real worker (apps/worker/src/main.ts) as a separate process on the stack's database and Redis
 * prefix, run from the TypeScript sources, so a test can kill it with SIGKILL mid-job: nothing in it
 * gets to clean up, exactly like a crashed or OOM-killed worker.
 */
export function spawnWorkerProcess(stack: Stack, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['-r', join(root, 'test/helpers/ts-register.js'), join(root, 'apps/worker/src/main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: stack.config.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: stack.config.redisPrefix,
      OUTBOX_POLL_MS: String(stack.config.outboxPollMs),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      ALLOW_PRIVATE_NETWORK_TARGETS: String(stack.config.allowPrivateNetworkTargets),
      DB_POOL_SIZE: '5',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

/** SIGKILL and wait for the exit. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
