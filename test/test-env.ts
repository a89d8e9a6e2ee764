/** Where the test run's services are, shared by global setup, helpers and teardown. */
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export function runId(): string {
  const id = process.env.SYNQ_TEST_RUN;
  if (!id) throw new Error('SYNQ_TEST_RUN is not set: run the tests through jest (global setup)');
  return id;
}

export function templateDb(run: string): string {
  return `synq_test_${run}_tpl`;
}
