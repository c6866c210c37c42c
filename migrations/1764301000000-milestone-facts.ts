import { MigrationInterface, QueryRunner } from 'typeorm';

/** libs/uscc/uscc.ts USCC_CHARSET (GB 32100-2015). */
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** The administrative division codes of the jurisdictions (DESIGN §3). */
const DIVISIONS: Record<string, string> = { beibei: '500109', mianyang: '510700' };
const PIPELINE = [
  'lead',
  'contacted',
  'visited',
  'negotiating',
  'signed',
  'registered',
  'started',
  'operating',
];

/**
 * Milestones carry facts (DESIGN §6) and confidential leads a summary for the partner (DESIGN §5).
 *
 * 1. Lead columns: `signed_at`, `contract_amount_wan`, `project_uscc`, `started_at`, `operating_at`
 *    (calendar dates: the day a milestone happened), `funds_in_place` (entries `{at, amountWan,
 *    note?}`) and `partner_summary` (what the owner writes for the partner city).
 * 2. Existing leads at or past `signed` (an `on_hold` lead: the stage it resumes to) get plausible
 *    facts, derived from the lead alone, so that every lead keeps the rule the API now enforces:
 *    - each milestone's day: the first stage change into that milestone or a later one (its
 *      timeline), else the lead's last update, in China time, never after today;
 *    - the contract amount: the planned investment;
 *    - the project company's USCC: a valid code (check character per GB 32100-2015) in the lead's
 *      division (91 + division code + nine characters from the lead id's md5), the same on every run.
 *    Their version moves on, so partner systems following the changes feed receive the facts
 *    (`updated_at` stays: no one edited them).
 */
export class MilestoneFacts1764301000000 implements MigrationInterface {
  name = 'MilestoneFacts1764301000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads
        ADD COLUMN partner_summary text,
        ADD COLUMN signed_at date,
        ADD COLUMN contract_amount_wan numeric(16,2),
        ADD COLUMN project_uscc text,
        ADD COLUMN started_at date,
        ADD COLUMN operating_at date,
        ADD COLUMN funds_in_place jsonb NOT NULL DEFAULT '[]'`);

    const weights = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);
    await q.query(`
      CREATE FUNCTION pg_temp.lc_uscc(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT body || substr('${USCC_CHARSET}',
          ((31 - (sum((strpos('${USCC_CHARSET}', substr(body, i, 1)) - 1) * (ARRAY[${weights.join(',')}])[i]) % 31)::int) % 31) + 1, 1)
          FROM generate_series(1, 17) AS i
      $$`);
    const rank = (col: string) =>
      `array_position(ARRAY[${PIPELINE.map((s) => `'${s}'`).join(',')}]::text[], ${col})`;
    const effective = `CASE WHEN l.stage = 'on_hold' THEN l.resume_stage ELSE l.stage END`;
    // The first day the lead entered `stage` or a later milestone, from its timeline.
    const day = (stage: string) => `LEAST((now() AT TIME ZONE 'Asia/Shanghai')::date, COALESCE(
        (SELECT min(a.occurred_at) FROM activities a
          WHERE a.lead_id = l.id AND a.type = 'stage_change'
            AND ${rank('a.to_stage')} >= ${PIPELINE.indexOf(stage) + 1}),
        l.updated_at) AT TIME ZONE 'Asia/Shanghai')::date`;
    const divisions = Object.entries(DIVISIONS)
      .map(([j, code]) => `WHEN '${j}' THEN '${code}'`)
      .join(' ');
    const from = (stage: string) => `${rank(effective)} >= ${PIPELINE.indexOf(stage) + 1}`;
    await q.query(`
      UPDATE leads l SET
        signed_at = ${day('signed')},
        contract_amount_wan = l.planned_investment_wan,
        project_uscc = CASE WHEN ${from('registered')} THEN pg_temp.lc_uscc(
          '91' || CASE l.jurisdiction ${divisions} ELSE '000000' END || (
            SELECT string_agg(substr('${USCC_CHARSET}', get_byte(decode(md5(l.id::text), 'hex'), k) % 31 + 1, 1), '' ORDER BY k)
              FROM generate_series(0, 8) AS k)) END,
        started_at = CASE WHEN ${from('started')} THEN ${day('started')} END,
        operating_at = CASE WHEN ${from('operating')} THEN ${day('operating')} END,
        version = l.version + 1
      WHERE ${from('signed')}`);
    await q.query(`DROP FUNCTION pg_temp.lc_uscc(text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads
        DROP COLUMN partner_summary,
        DROP COLUMN signed_at,
        DROP COLUMN contract_amount_wan,
        DROP COLUMN project_uscc,
        DROP COLUMN started_at,
        DROP COLUMN operating_at,
        DROP COLUMN funds_in_place`);
  }
}
