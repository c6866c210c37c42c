import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions end at once (DESIGN §11):
 * - `refresh_tokens.family_id`: every refresh token rotated from one sign-in shares it; the access
 *   tokens of that sign-in carry it (`sid`). Reusing a rotated token revokes the whole family.
 * - `users.session_epoch`: bumped by deactivation, a role change and a password change; access
 *   tokens carry the epoch they were issued under (`sep`).
 * - `session_revocations`: one row per revoked family or bumped epoch. API instances reload the
 *   rows of the last access-token lifetime every few seconds (older ones cannot matter: every token
 *   they would refuse has expired), so a revocation reaches every instance within seconds without
 *   a database read per request.
 */
export class SessionRevocation1764310100000 implements MigrationInterface {
  name = 'SessionRevocation1764310100000';

  async up(q: QueryRunner): Promise<void> {
    // The default keeps the migration safe for a rolling deploy: an instance of the previous
    // version still signs people in (each of its tokens a sign-in of its own).
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN family_id uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(
      `CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL`,
    );
    await q.query(`ALTER TABLE users ADD COLUMN session_epoch int NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE session_revocations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        family_id uuid,
        session_epoch int,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((family_id IS NULL) <> (session_epoch IS NULL))
      )`);
    await q.query(`CREATE INDEX session_revocations_created_idx ON session_revocations (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_revocations`);
    await q.query(`ALTER TABLE users DROP COLUMN session_epoch`);
    await q.query(`DROP INDEX refresh_tokens_user_idx`);
    await q.query(`DROP INDEX refresh_tokens_family_idx`);
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN family_id`);
  }
}
