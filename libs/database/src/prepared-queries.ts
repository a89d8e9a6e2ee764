import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Hot paths (event dispatch, webhook delivery) run a few fixed statements per item; running them
 * as named (prepared) statements on TypeORM's own pg pool skips TypeORM's query building and
 * PostgreSQL's parsing and planning each time. Names must be unique per statement text.
 */
export class PreparedQueries {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  async run<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>({ name, text, values })).rows;
  }
}
