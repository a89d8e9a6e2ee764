#!/usr/bin/env node
/* Runs, reverts or generates TypeORM migrations against DATABASE_URL using the compiled code in dist/. */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const [cmd, name] = process.argv.slice(2);
  const { loadConfig } = require('../dist/libs/config/src');
  const { createDataSource } = require('../dist/libs/database/src');
  const config = loadConfig();
  const ds = createDataSource(config, 'synq-migrate');
  await ds.initialize();
  try {
    if (cmd === 'run') {
      const done = await ds.runMigrations({ transaction: 'each' });
      console.log(done.length ? `applied ${done.map((m) => m.name).join(', ')}` : 'no pending migrations');
    } else if (cmd === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else if (cmd === 'generate') {
      if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error('usage: npm run migration:generate -- <PascalCaseName>');
      const sql = await ds.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('no changes in the entities: nothing to generate');
        return;
      }
      const ts = Date.now();
      const cls = `${name}${ts}`;
      const q = (s) => '`' + s.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
      const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
      const down = sql.downQueries.reverse().map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
      const file = path.join(__dirname, '..', 'migrations', `${ts}-${name}.ts`);
      fs.writeFileSync(
        file,
        `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${cls} implements MigrationInterface {\n  name = '${cls}';\n\n  public async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
      );
      console.log(`wrote ${path.relative(process.cwd(), file)}; add ${cls} to migrations/index.ts`);
    } else {
      throw new Error('usage: migrate.js run|revert|generate <Name>');
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});
