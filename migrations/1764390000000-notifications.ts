import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications and reminders (DESIGN §18).
 * - `notifications`: one per user and cause (`dedupe_key` unique per user, so a job run twice
 *   tells once). `seq` numbers a user's notifications in commit order (the counter row in
 *   `notification_counters` is locked until the writing transaction commits), so the event stream
 *   resumes from `Last-Event-ID` without losing or repeating one.
 * - `notification_preferences`: per user and type, `in_app` | `digest` | `off`, and the address
 *   of the daily e-mail digest.
 * - `notification_deliveries`: messages for the channels beyond the app (e-mail digest, WeCom
 *   group robot), one per channel and cause; sent by a queued job, marked sent once.
 */
export class Notifications1764390000000 implements MigrationInterface {
  name = 'Notifications1764390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_counters (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        last_seq bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        type text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        link text NOT NULL,
        dedupe_key text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('in_app','digest')),
        digested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX notifications_user_seq_key ON notifications (user_id, seq)`);
    await q.query(`CREATE UNIQUE INDEX notifications_user_dedupe_key ON notifications (user_id, dedupe_key)`);
    await q.query(
      `CREATE INDEX notifications_unread_idx ON notifications (user_id, seq) WHERE read_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX notifications_digest_idx ON notifications (user_id, seq) WHERE mode = 'digest' AND digested_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        email text,
        modes jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL CHECK (channel IN ('email','wecom')),
        dedupe_key text NOT NULL,
        target text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX notification_deliveries_key ON notification_deliveries (channel, dedupe_key)`,
    );
    await q.query(
      `CREATE INDEX notification_deliveries_pending_idx ON notification_deliveries (created_at) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_deliveries`);
    await q.query(`DROP TABLE notification_preferences`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE notification_counters`);
  }
}
