import { DataSource } from 'typeorm';
import { createDataSource } from '@synq/database';
import { createTestDatabase, TestDatabase } from '../helpers/stack';

describe('schema', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ databaseUrl: db.url, dbPoolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('the committed migrations produce exactly the schema the entities describe', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('every migration reverts cleanly and re-applies', async () => {
    const n = ds.migrations.length;
    for (let i = 0; i < n; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`);
    expect(tables[0].n).toBe(0);
    await ds.runMigrations({ transaction: 'each' });
    expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });
});
