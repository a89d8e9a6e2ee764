import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '@synq/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../../migrations';

export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'dbPoolSize'>, appName = 'synq'): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    uuidExtension: 'pgcrypto',
    applicationName: appName,
    extra: {
      max: config.dbPoolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    },
  };
}

export function createDataSource(config: Pick<AppConfig, 'databaseUrl' | 'dbPoolSize'>, appName?: string): DataSource {
  return new DataSource(dataSourceOptions(config, appName));
}
