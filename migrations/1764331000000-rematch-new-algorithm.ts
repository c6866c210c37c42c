import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweep remembers for which matching algorithm it last checked the stored matches
 * (`matching_sweep.algorithm_version`): a new ALGORITHM_VERSION re-matches every open lead once,
 * by itself, and the check costs nothing on every other run.
 */
export class RematchNewAlgorithm1764331000000 implements MigrationInterface {
  name = 'RematchNewAlgorithm1764331000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE matching_sweep ADD COLUMN algorithm_version text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE matching_sweep DROP COLUMN algorithm_version`);
  }
}
