import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Raised by an order write that re-checks, in the same statement, the channel and variants its
 * caller took from the api's short-lived lookup cache: when one of them changed since, the whole
 * statement is undone and the caller reads them afresh and writes again.
 */
export class OrdersStaleRead1796070000000 implements MigrationInterface {
  name = 'OrdersStaleRead1796070000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION synq_stale_read() RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION 'stale read' USING ERRCODE = 'SQ412';
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION IF EXISTS synq_stale_read()`);
  }
}
