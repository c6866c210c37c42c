import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cooperation mechanism (DESIGN §15): the three-year action plan and its items (the
 * responsibility list), each city's progress reports on its own part, and the joint meetings with
 * their decisions. Both cities read everything, so the change log (entities `action_item` and
 * `meeting`, one entry per version) stamps both jurisdictions on every row.
 */
export class Cooperation1764360000000 implements MigrationInterface {
  name = 'Cooperation1764360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE action_plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL,
        created_by_jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT action_plans_period CHECK (period_from <= period_to)
      )`);
    await q.query(`
      CREATE TABLE joint_meetings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('leading_group','party_government','deputy_coordination')),
        title text,
        held_at timestamptz NOT NULL,
        place text NOT NULL,
        host text NOT NULL,
        attendees text[] NOT NULL DEFAULT '{}',
        agenda text[] NOT NULL DEFAULT '{}',
        decisions jsonb NOT NULL DEFAULT '[]',
        created_by_jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX joint_meetings_kind_held_idx ON joint_meetings (kind, held_at)`);
    await q.query(`
      CREATE TABLE action_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES action_plans(id),
        code text NOT NULL,
        title text NOT NULL,
        scope text NOT NULL DEFAULT '',
        field text NOT NULL CHECK (field IN ('industry_investment','park_building','platform_sharing',
          'science_education','major_strategy','ecology','promotion','other')),
        key_task_year int,
        units jsonb NOT NULL,
        due_at date NOT NULL,
        status text NOT NULL DEFAULT 'not_started'
          CHECK (status IN ('not_started','in_progress','done','delayed','cancelled')),
        progress int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        progress_by jsonb NOT NULL DEFAULT '{}',
        lead_ids uuid[] NOT NULL DEFAULT '{}',
        event_ids uuid[] NOT NULL DEFAULT '{}',
        park_ids uuid[] NOT NULL DEFAULT '{}',
        meeting_id uuid REFERENCES joint_meetings(id),
        created_by_jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT action_items_plan_code_key UNIQUE (plan_id, code)
      )`);
    await q.query(
      `CREATE INDEX action_items_due_idx ON action_items (due_at) WHERE status NOT IN ('done','cancelled')`,
    );
    await q.query(`
      CREATE TABLE action_item_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES action_items(id),
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        user_id uuid REFERENCES users(id),
        author_name text NOT NULL,
        progress int NOT NULL CHECK (progress BETWEEN 0 AND 100),
        status text,
        text text NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX action_item_reports_item_idx ON action_item_reports (item_id, reported_at)`);
    await q.query(`
      CREATE FUNCTION log_shared_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r record; op text;
      BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; op := 'delete'; ELSE r := NEW; op := 'upsert'; END IF;
        IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
          RETURN NULL;
        END IF;
        INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
        VALUES (TG_ARGV[0], r.id, op, r.version, ARRAY(SELECT code FROM jurisdictions ORDER BY code));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER action_items_change_log AFTER INSERT OR UPDATE OR DELETE ON action_items
      FOR EACH ROW EXECUTE FUNCTION log_shared_change('action_item')`);
    await q.query(`CREATE TRIGGER joint_meetings_change_log AFTER INSERT OR UPDATE OR DELETE ON joint_meetings
      FOR EACH ROW EXECUTE FUNCTION log_shared_change('meeting')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS action_item_reports`);
    await q.query(`DROP TABLE IF EXISTS action_items`);
    await q.query(`DROP TABLE IF EXISTS joint_meetings`);
    await q.query(`DROP TABLE IF EXISTS action_plans`);
    await q.query(`DROP FUNCTION IF EXISTS log_shared_change()`);
    await q.query(`DELETE FROM change_log WHERE entity IN ('action_item', 'meeting')`);
  }
}
