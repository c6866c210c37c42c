import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Joint promotion events (平台共享: 推介会, 对接会, DESIGN §16).
 *
 * - `promotion_events`: one row per event; `hosts` is one city or both (both only by an accepted
 *   `event.cohost` agreement, DESIGN §14); `invitees` is the list as a whole (PUT
 *   /events/:id/invitees replaces it, under the event's version). Both cities read every event
 *   (the agreement's 平台共享), so the change log records both jurisdictions.
 * - `calendar_feed_tokens`: one secret per user for `GET /events.ics?token=` (calendar apps cannot
 *   send headers); stored as a SHA-256 hash only, replaced when the user asks for a new one.
 * - `leads.event_id`: the event a lead was raised at (DESIGN §4 `eventId`).
 */
export class PromotionEvents1764370000000 implements MigrationInterface {
  name = 'PromotionEvents1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE promotion_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('promotion','matchmaking','expo','forum','visit')),
        hosts text[] NOT NULL CHECK (cardinality(hosts) BETWEEN 1 AND 2),
        created_by_jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        venue text NOT NULL DEFAULT '',
        city text NOT NULL DEFAULT '',
        focus_segments text[] NOT NULL DEFAULT '{}',
        invitees jsonb NOT NULL DEFAULT '[]'::jsonb,
        budget_wan numeric(16,2),
        summary text NOT NULL DEFAULT '',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT promotion_events_dates CHECK (ends_at >= starts_at)
      )`);
    await q.query(`CREATE INDEX promotion_events_starts_idx ON promotion_events (starts_at, id)`);
    await q.query(`CREATE INDEX promotion_events_hosts_idx ON promotion_events USING gin (hosts)`);
    await q.query(`
      CREATE FUNCTION log_promotion_event_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          VALUES ('event', OLD.id, 'delete', OLD.version, ARRAY['beibei','mianyang']);
        ELSE
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          VALUES ('event', NEW.id, 'upsert', NEW.version, ARRAY['beibei','mianyang']);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER promotion_events_change_log AFTER INSERT OR UPDATE OR DELETE ON promotion_events
      FOR EACH ROW EXECUTE FUNCTION log_promotion_event_changes()`);
    await q.query(`
      CREATE TABLE calendar_feed_tokens (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `ALTER TABLE leads ADD COLUMN event_id uuid REFERENCES promotion_events(id) ON DELETE SET NULL`,
    );
    await q.query(`CREATE INDEX leads_event_idx ON leads (event_id) WHERE event_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads DROP COLUMN IF EXISTS event_id`);
    await q.query(`DROP TABLE IF EXISTS calendar_feed_tokens`);
    await q.query(`DROP TABLE IF EXISTS promotion_events`);
    await q.query(`DROP FUNCTION IF EXISTS log_promotion_event_changes()`);
    await q.query(`DELETE FROM change_log WHERE entity = 'event'`);
  }
}
