import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner sync (DESIGN §11): webhook subscriptions and their delivery log, and the
 * external-reference index that bulk upserts key on.
 *
 * `external_ref_index` makes `(entity, system, external_id)` unique: one record of a partner
 * system maps to one Liancheng record, whichever jurisdiction owns it (so a key of the other city
 * pushing the same reference is refused instead of creating a twin). It is kept in step with the
 * `external_refs` jsonb of leads and enterprises by statement-level triggers, so refs written by
 * any code path are found; the bulk upsert claims refs here first (INSERT … ON CONFLICT DO
 * NOTHING), which serialises concurrent creates of the same reference.
 */
export class Webhooks1764202000000 implements MigrationInterface {
  name = 'Webhooks1764202000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE external_ref_index (
        entity text NOT NULL CHECK (entity IN ('lead','enterprise')),
        system text NOT NULL,
        external_id text NOT NULL,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        entity_id uuid NOT NULL,
        PRIMARY KEY (entity, system, external_id)
      )`);
    await q.query(`CREATE INDEX external_ref_index_entity_idx ON external_ref_index (entity_id)`);

    // Trigger side: refs written by other code paths (POST /leads with externalRefs, seeds) are
    // indexed too. A ref already held by another record is left with its first holder (never
    // fails the writer's statement); the bulk upsert checks before it writes.
    await q.query(`
      CREATE FUNCTION index_external_refs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          DELETE FROM external_ref_index x
           USING old_rows o
           WHERE x.entity = TG_ARGV[0] AND x.entity_id = o.id
             AND (TG_OP = 'DELETE' OR NOT EXISTS (
               SELECT 1 FROM new_rows n, jsonb_array_elements(n.external_refs) e
                WHERE n.id = o.id AND e->>'system' = x.system AND e->>'id' = x.external_id));
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO external_ref_index (entity, system, external_id, jurisdiction, entity_id)
          SELECT DISTINCT ON (e->>'system', e->>'id') TG_ARGV[0], e->>'system', e->>'id', n.jurisdiction, n.id
            FROM new_rows n, jsonb_array_elements(n.external_refs) e
           WHERE jsonb_typeof(n.external_refs) = 'array' AND e->>'system' IS NOT NULL AND e->>'id' IS NOT NULL
          ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, entity] of [
      ['leads', 'lead'],
      ['enterprises', 'enterprise'],
    ]) {
      await q.query(`CREATE TRIGGER ${table}_external_refs_ins AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION index_external_refs('${entity}')`);
      await q.query(`CREATE TRIGGER ${table}_external_refs_upd AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION index_external_refs('${entity}')`);
      await q.query(`CREATE TRIGGER ${table}_external_refs_del AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION index_external_refs('${entity}')`);
    }

    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        url text NOT NULL,
        events text[] NOT NULL,
        secret text NOT NULL,
        created_by_type text NOT NULL CHECK (created_by_type IN ('user','api_key','system')),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        failing_since timestamptz,
        last_success_at timestamptz,
        disabled_at timestamptz,
        disabled_reason text
      )`);
    await q.query(
      `CREATE INDEX webhook_subscriptions_active_idx ON webhook_subscriptions (jurisdiction)
        WHERE deleted_at IS NULL AND disabled_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        event_id text NOT NULL,
        event_type text NOT NULL,
        body jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','retrying','delivered','failed','cancelled')),
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        next_retry_at timestamptz,
        UNIQUE (event_id, subscription_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_sub_idx ON webhook_deliveries (subscription_id, created_at)`,
    );

    // Every attempt, logged (DESIGN §11).
    await q.query(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        attempt int NOT NULL,
        status text NOT NULL CHECK (status IN ('delivered','failed','refused')),
        response_code int,
        duration_ms int NOT NULL,
        error text,
        next_retry_at timestamptz,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_attempts_sub_idx ON webhook_attempts (subscription_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['leads', 'enterprises']) {
      for (const s of ['ins', 'upd', 'del'])
        await q.query(`DROP TRIGGER IF EXISTS ${t}_external_refs_${s} ON ${t}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS index_external_refs() CASCADE`);
    for (const t of [
      'webhook_attempts',
      'webhook_deliveries',
      'webhook_subscriptions',
      'external_ref_index',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
