import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agreements (双方确认, DESIGN §14): a change one city proposes that takes effect only when the
 * other accepts. `jurisdictions` are the two cities concerned (the proposer's first); both see the
 * agreement, in the API and in the changes feed (entity `agreement`, logged by the trigger below
 * like every feed entity: one entry per version, stamped with the writer's transaction).
 * At most one pending agreement per kind and subject.
 */
export class Agreements1764305100000 implements MigrationInterface {
  name = 'Agreements1764305100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        subject_entity text NOT NULL,
        subject_id uuid NOT NULL,
        proposed_by_jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        proposed_by_user uuid REFERENCES users(id),
        deciding_jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        jurisdictions text[] NOT NULL,
        change jsonb NOT NULL,
        note text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','declined','withdrawn')),
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        decision_note text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agreements_other_city CHECK (proposed_by_jurisdiction <> deciding_jurisdiction)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX agreements_pending_subject_key ON agreements (kind, subject_entity, subject_id)
        WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX agreements_subject_idx ON agreements (subject_entity, subject_id)`);
    await q.query(`CREATE INDEX agreements_jurisdictions_idx ON agreements USING gin (jurisdictions)`);
    await q.query(`
      CREATE FUNCTION log_agreement_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          VALUES ('agreement', OLD.id, 'delete', OLD.version, OLD.jurisdictions);
        ELSE
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          VALUES ('agreement', NEW.id, 'upsert', NEW.version, NEW.jurisdictions);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER agreements_change_log AFTER INSERT OR UPDATE OR DELETE ON agreements
      FOR EACH ROW EXECUTE FUNCTION log_agreement_changes()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS agreements`);
    await q.query(`DROP FUNCTION IF EXISTS log_agreement_changes()`);
    await q.query(`DELETE FROM change_log WHERE entity = 'agreement'`);
  }
}
