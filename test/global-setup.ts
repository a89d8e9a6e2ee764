import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { ADMIN_DATABASE_URL, databaseUrl, templateDb } from './test-env';

/**
 * Creates the run's template database with the real migrations applied; every e2e spec clones it
 * into a database of its own (and a Redis prefix of its own), so specs never see each other.
 */
export default async function globalSetup(): Promise<void> {
  const run = randomBytes(4).toString('hex');
  process.env.SYNQ_TEST_RUN = run;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${templateDb(run)}`);
  } finally {
    await admin.end();
  }
  const ds = new DataSource({ type: 'postgres', url: databaseUrl(templateDb(run)), migrations: MIGRATIONS, logging: ['error'] });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
