import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole domain schema of DESIGN.md §4 in one reviewed migration.
 *
 * Two mechanisms live in the database on purpose, so that no code path can forget them:
 * - `change_log` rows are written by triggers, stamped with the writing transaction's id
 *   (`pg_current_xact_id()`), for the changes feed (DESIGN §11);
 * - `version` columns are bumped by the application inside `UPDATE … WHERE version = $n`
 *   (optimistic concurrency), never by a trigger, so a stale write affects no row.
 */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`
      CREATE TABLE reference_seed (
        key text PRIMARY KEY,
        checksum text NOT NULL,
        data_version text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE jurisdictions (
        code text PRIMARY KEY,
        name text NOT NULL,
        name_en text NOT NULL,
        division_code text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE industries (
        code text PRIMARY KEY,
        name text NOT NULL,
        name_en text NOT NULL,
        sei_code int,
        sort int NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE segments (
        code text PRIMARY KEY,
        industry text NOT NULL REFERENCES industries(code),
        stage text NOT NULL CHECK (stage IN ('upstream','midstream','downstream')),
        name text NOT NULL,
        name_en text NOT NULL,
        sort int NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE chain_edges (
        from_segment text NOT NULL REFERENCES segments(code),
        to_segment text NOT NULL REFERENCES segments(code),
        PRIMARY KEY (from_segment, to_segment)
      )`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        display_name text NOT NULL,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        role text NOT NULL CHECK (role IN ('officer','manager','admin')),
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await q.query(`CREATE INDEX users_jurisdiction_idx ON users (jurisdiction, id)`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        scopes text[] NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_jurisdiction_idx ON api_keys (jurisdiction, id)`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE enterprises (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        uscc text,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        segments text[] NOT NULL,
        needs text[] NOT NULL DEFAULT '{}',
        chain_leader boolean NOT NULL DEFAULT false,
        revenue_wan numeric(16,2),
        employees int,
        address text,
        tags text[] NOT NULL DEFAULT '{}',
        external_refs jsonb NOT NULL DEFAULT '[]',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX enterprises_uscc_key ON enterprises (uscc) WHERE uscc IS NOT NULL AND deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX enterprises_segments_idx ON enterprises USING gin (segments) WHERE deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX enterprises_needs_idx ON enterprises USING gin (needs) WHERE deleted_at IS NULL`,
    );
    await q.query(`CREATE INDEX enterprises_name_trgm_idx ON enterprises USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX enterprises_jurisdiction_idx ON enterprises (jurisdiction, id)`);

    await q.query(`
      CREATE TABLE parks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seed_key text UNIQUE,
        name text NOT NULL,
        name_en text,
        jurisdictions text[] NOT NULL,
        co_built boolean NOT NULL DEFAULT false,
        target_segments text[] NOT NULL DEFAULT '{}',
        available_land_mu numeric(12,2),
        factory_space_sqm numeric(14,2),
        incentives text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        investor_name text NOT NULL,
        investor_norm text NOT NULL,
        investor_uscc text,
        investor_enterprise_id uuid REFERENCES enterprises(id),
        investor_country text,
        summary text NOT NULL DEFAULT '',
        segments text[] NOT NULL,
        industries text[] NOT NULL,
        planned_investment_wan numeric(16,2) NOT NULL DEFAULT 0,
        land_need_mu numeric(12,2),
        expected_jobs int,
        stage text NOT NULL,
        resume_stage text,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        owner_id uuid REFERENCES users(id),
        sharing text NOT NULL DEFAULT 'private' CHECK (sharing IN ('private','shared')),
        confidential boolean NOT NULL DEFAULT false,
        code_name text,
        source text NOT NULL DEFAULT 'other',
        next_action_at timestamptz,
        contacts jsonb NOT NULL DEFAULT '[]',
        external_refs jsonb NOT NULL DEFAULT '[]',
        linked_lead_ids uuid[] NOT NULL DEFAULT '{}',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT leads_stage_check CHECK (stage IN ('lead','contacted','visited','negotiating','signed','registered','started','operating','on_hold','lost'))
      )`);
    await q.query(`CREATE INDEX leads_jurisdiction_id_idx ON leads (jurisdiction, id)`);
    await q.query(`CREATE INDEX leads_shared_id_idx ON leads (id) WHERE sharing = 'shared'`);
    await q.query(`CREATE INDEX leads_industries_idx ON leads USING gin (industries)`);
    await q.query(`CREATE INDEX leads_segments_idx ON leads USING gin (segments)`);
    await q.query(`CREATE INDEX leads_stage_idx ON leads (jurisdiction, stage, id)`);
    await q.query(`CREATE INDEX leads_owner_idx ON leads (owner_id, id)`);
    await q.query(`CREATE INDEX leads_updated_idx ON leads (updated_at, id)`);
    await q.query(
      `CREATE INDEX leads_investor_norm_trgm_idx ON leads USING gin (investor_norm gin_trgm_ops)`,
    );
    await q.query(
      `CREATE INDEX leads_search_trgm_idx ON leads USING gin ((title || ' ' || investor_name) gin_trgm_ops)`,
    );
    await q.query(
      `CREATE INDEX leads_investor_uscc_idx ON leads (investor_uscc) WHERE investor_uscc IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE activities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads(id),
        type text NOT NULL CHECK (type IN ('visit','call','meeting','email','event','note','stage_change')),
        occurred_at timestamptz NOT NULL,
        summary text NOT NULL,
        author_id uuid REFERENCES users(id),
        author_key_id uuid REFERENCES api_keys(id),
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        from_stage text,
        to_stage text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX activities_lead_idx ON activities (lead_id, occurred_at DESC, id)`);

    await q.query(`
      CREATE TABLE matches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads(id),
        kind text NOT NULL CHECK (kind IN ('partner','park')),
        enterprise_id uuid REFERENCES enterprises(id),
        park_id uuid REFERENCES parks(id),
        relation text CHECK (relation IN ('upstream','downstream')),
        score double precision NOT NULL,
        rank int NOT NULL DEFAULT 0,
        reasons jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','accepted','rejected','withdrawn')),
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        decision_note text,
        algorithm_version text NOT NULL,
        lead_version int NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        CONSTRAINT matches_target_check CHECK ((kind = 'partner' AND enterprise_id IS NOT NULL AND park_id IS NULL) OR (kind = 'park' AND park_id IS NOT NULL AND enterprise_id IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX matches_lead_enterprise_key ON matches (lead_id, enterprise_id) WHERE kind = 'partner'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX matches_lead_park_key ON matches (lead_id, park_id) WHERE kind = 'park'`,
    );
    await q.query(`CREATE INDEX matches_status_idx ON matches (status, score DESC, id)`);

    await q.query(`
      CREATE TABLE lead_match_state (
        lead_id uuid PRIMARY KEY REFERENCES leads(id),
        matched_version int NOT NULL,
        algorithm_version text NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE collisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_ids uuid[] NOT NULL,
        jurisdictions text[] NOT NULL,
        basis text NOT NULL CHECK (basis IN ('uscc','name')),
        similarity double precision NOT NULL,
        first_reported_by text NOT NULL REFERENCES jurisdictions(code),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','joint','yielded','dismissed')),
        yielded_by text REFERENCES jurisdictions(code),
        resolved_by uuid REFERENCES users(id),
        resolved_at timestamptz,
        note text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX collisions_pair_key ON collisions ((lead_ids[1]), (lead_ids[2]))`);
    await q.query(`CREATE INDEX collisions_lead_ids_idx ON collisions USING gin (lead_ids)`);

    await q.query(`
      CREATE TABLE audit_entries (
        id bigserial PRIMARY KEY,
        actor_type text NOT NULL CHECK (actor_type IN ('user','api_key','system')),
        actor_id uuid,
        actor_name text,
        jurisdiction text REFERENCES jurisdictions(code),
        action text NOT NULL,
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}',
        request_id text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_entity_idx ON audit_entries (entity, entity_id, id)`);
    // Append-only: no role the application uses may rewrite history.
    await q.query(`
      CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entries is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries
      FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code int,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);

    // Domain events for webhooks (DESIGN §11): written with the change, dispatched via the outbox.
    await q.query(`
      CREATE TABLE domain_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        entity_version int NOT NULL,
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        detail jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX domain_events_entity_idx ON domain_events (entity, entity_id)`);

    // Transactional outbox (DESIGN §12): written in the same transaction as the change.
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        dedupe_key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL`);

    // Changes feed (DESIGN §11): one row per committed version, stamped with the writer's xid.
    await q.query(`
      CREATE TABLE change_log (
        seq bigserial PRIMARY KEY,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        op text NOT NULL CHECK (op IN ('upsert','delete')),
        version int NOT NULL,
        jurisdictions text[] NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX change_log_xid_seq_idx ON change_log (xid, seq)`);
    await q.query(`
      CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        j text[];
        op text;
      BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; op := 'delete'; ELSE r := NEW; op := 'upsert'; END IF;
        IF TG_OP = 'UPDATE' THEN
          IF NEW.version = OLD.version THEN
            RETURN NULL; -- no new version: nothing a consumer sees changed
          END IF;
          IF TG_TABLE_NAME = 'enterprises' THEN
            IF NEW.deleted_at IS NOT NULL THEN op := 'delete'; END IF;
          END IF;
        END IF;
        IF TG_TABLE_NAME IN ('parks', 'collisions') THEN
          j := r.jurisdictions;
        ELSIF TG_TABLE_NAME = 'matches' THEN
          SELECT ARRAY[l.jurisdiction] INTO j FROM leads l WHERE l.id = r.lead_id;
        ELSE
          j := ARRAY[r.jurisdiction];
        END IF;
        INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
        VALUES (TG_ARGV[0], r.id, op, r.version, COALESCE(j, '{}'));
        RETURN NULL;
      END $$`);
    const feedEntities: Record<string, string> = {
      leads: 'lead',
      enterprises: 'enterprise',
      parks: 'park',
      matches: 'match',
      collisions: 'collision',
    };
    for (const [table, entity] of Object.entries(feedEntities)) {
      await q.query(
        `CREATE TRIGGER ${table}_change_log AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION log_change('${entity}')`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'change_log',
      'outbox',
      'domain_events',
      'idempotency_keys',
      'audit_entries',
      'collisions',
      'lead_match_state',
      'matches',
      'activities',
      'leads',
      'parks',
      'enterprises',
      'refresh_tokens',
      'api_keys',
      'users',
      'chain_edges',
      'segments',
      'industries',
      'jurisdictions',
      'reference_seed',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS log_change() CASCADE`);
    await q.query(`DROP FUNCTION IF EXISTS audit_entries_append_only() CASCADE`);
  }
}
