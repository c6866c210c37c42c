import { sqlRows } from '../db/sql';
import { createHash } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { REFERENCE_DATA, ReferenceData, ReferencePark } from './taxonomy';
import { LOCKS } from '../jobs/jobs';

const checksum = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export interface SeedResult {
  applied: boolean;
  parksChanged: number;
}

/**
 * Loads the reference data file idempotently (DESIGN §8–9). Running it again with the same file
 * changes nothing; a changed file updates what changed. A park is rewritten only when its own
 * entry in the file changed, so figures an admin corrected survive an unrelated data release.
 */
export async function loadReferenceData(
  ds: DataSource,
  data: ReferenceData = REFERENCE_DATA,
): Promise<SeedResult> {
  const whole = checksum(data);
  return ds.transaction(async (em) => {
    await sqlRows(em, `SELECT pg_advisory_xact_lock(${LOCKS.referenceSeed})`);
    const [current] = await sqlRows(em, `SELECT checksum FROM reference_seed WHERE key = 'reference'`);
    if (current?.checksum === whole) return { applied: false, parksChanged: 0 };

    for (const j of data.jurisdictions) {
      await sqlRows(
        em,
        `INSERT INTO jurisdictions (code, name, name_en, division_code) VALUES ($1,$2,$3,$4)
         ON CONFLICT (code) DO UPDATE SET name = $2, name_en = $3, division_code = $4`,
        [j.code, j.name, j.nameEn, j.divisionCode],
      );
    }
    for (const [i, ind] of data.industries.entries()) {
      await sqlRows(
        em,
        `INSERT INTO industries (code, name, name_en, sei_code, sort) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (code) DO UPDATE SET name = $2, name_en = $3, sei_code = $4, sort = $5`,
        [ind.code, ind.name, ind.nameEn, ind.seiCode ?? null, i],
      );
    }
    for (const [i, s] of data.segments.entries()) {
      await sqlRows(
        em,
        `INSERT INTO segments (code, industry, stage, name, name_en, sort) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (code) DO UPDATE SET industry = $2, stage = $3, name = $4, name_en = $5, sort = $6`,
        [s.code, s.industry, s.stage, s.name, s.nameEn, i],
      );
    }
    const edges = data.edges;
    await sqlRows(
      em,
      `DELETE FROM chain_edges e WHERE NOT EXISTS (
         SELECT 1 FROM unnest($1::text[], $2::text[]) AS f(a, b) WHERE f.a = e.from_segment AND f.b = e.to_segment)`,
      [edges.map((e) => e.from), edges.map((e) => e.to)],
    );
    await sqlRows(
      em,
      `INSERT INTO chain_edges AS c (from_segment, to_segment, strength, reason, reason_en)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (from_segment, to_segment) DO UPDATE
          SET strength = EXCLUDED.strength, reason = EXCLUDED.reason, reason_en = EXCLUDED.reason_en
        WHERE (c.strength, c.reason, c.reason_en) IS DISTINCT FROM (EXCLUDED.strength, EXCLUDED.reason, EXCLUDED.reason_en)`,
      [
        edges.map((e) => e.from),
        edges.map((e) => e.to),
        edges.map((e) => e.strength),
        edges.map((e) => e.reason),
        edges.map((e) => e.reasonEn),
      ],
    );
    // The candidate index ranks a declared need by the strength of the edge it follows
    // (migration 1764330000000): re-rank the needs rows that changed edges moved.
    await sqlRows(
      em,
      `UPDATE match_candidates c SET link_rank = candidate_rank(need_link_rank(c.segment, e.segments), c.chain_leader)
         FROM enterprises e
        WHERE c.role = 'needs' AND e.id = c.enterprise_id
          AND c.link_rank <> candidate_rank(need_link_rank(c.segment, e.segments), c.chain_leader)`,
    );
    let parksChanged = 0;
    for (const park of data.parks) if (await upsertPark(em, park)) parksChanged++;

    await sqlRows(
      em,
      `INSERT INTO reference_seed (key, checksum, data_version) VALUES ('reference', $1, $2)
       ON CONFLICT (key) DO UPDATE SET checksum = $1, data_version = $2, applied_at = now()`,
      [whole, data.version],
    );
    return { applied: true, parksChanged };
  });
}

async function upsertPark(em: EntityManager, p: ReferencePark): Promise<boolean> {
  const sum = checksum(p);
  const key = `park:${p.key}`;
  const [seen] = await sqlRows(em, `SELECT checksum FROM reference_seed WHERE key = $1`, [key]);
  if (seen?.checksum === sum) return false;
  const params = [
    p.key,
    p.name,
    p.nameEn,
    p.jurisdictions,
    p.coBuilt,
    p.targetSegments,
    p.availableLandMu,
    p.factorySpaceSqm,
    p.incentives,
  ];
  await sqlRows(
    em,
    `INSERT INTO parks (seed_key, name, name_en, jurisdictions, co_built, target_segments, available_land_mu,
                        factory_space_sqm, incentives)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (seed_key) DO UPDATE SET name = $2, name_en = $3, jurisdictions = $4, co_built = $5,
       target_segments = $6, available_land_mu = $7, factory_space_sqm = $8, incentives = $9,
       version = parks.version + 1, updated_at = now()`,
    params,
  );
  await sqlRows(
    em,
    `INSERT INTO reference_seed (key, checksum, data_version) VALUES ($1, $2, '')
     ON CONFLICT (key) DO UPDATE SET checksum = $2, applied_at = now()`,
    [key, sum],
  );
  return true;
}
