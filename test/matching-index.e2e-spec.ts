import { DataSource } from 'typeorm';
import { dropDatabase } from '../libs/db/database';
import { Rng } from '../libs/demo/random';
import { needStrength } from '../libs/matching/chain';
import { ALGORITHM_VERSION, matchLead } from '../libs/matching/engine';
import { sizeBand } from '../libs/matching/size-fit';
import { CandidateRepository } from '../libs/match-store/candidate.repository';
import { MatchingService } from '../libs/match-store/matching.service';
import { TaxonomyGraph, referenceTaxonomy } from '../libs/taxonomy/taxonomy';
import { TestApp, startApp } from './support/app';
import { makeUser, uniq } from './support/factories';
import { migratedDatabase } from './support/databases';

jest.setTimeout(120_000);

const graph = new TaxonomyGraph(referenceTaxonomy());
const NEV = graph.segmentsOfIndustry('nev');

interface Row {
  id: string;
  jurisdiction: string;
  segments: string[];
  needs: string[];
  chain_leader: boolean;
  revenue_wan: string | null;
  employees: number | null;
}

async function insertLead(
  ds: DataSource,
  jurisdiction: string,
  segments: string[],
  plannedInvestmentWan: number,
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, stage, jurisdiction, planned_investment_wan)
     VALUES ($1, $2, $2, $3, $4, 'lead', $5, $6) RETURNING id`,
    [
      uniq('项目'),
      uniq('投资方'),
      segments,
      graph.industriesOf(segments),
      jurisdiction,
      plannedInvestmentWan,
    ],
  );
  return row.id;
}

/**
 * The candidate index in Postgres and the engine in TypeScript agree (migration 1764330000000):
 * the same size bands and ranks (chain leader, need strength), so the indexed candidates give exactly the ranking of
 * scoring every enterprise; and a re-match under the new algorithm keeps managers' decisions.
 */
describe('matching candidate index and re-match (DESIGN §10)', () => {
  // A database of its own: the naive ranking scores every enterprise in it.
  const url = `${process.env.DATABASE_URL}_matchidx`;
  let t: TestApp;
  let matching: MatchingService;
  beforeAll(async () => {
    await migratedDatabase(url);
    t = await startApp({ DATABASE_URL: url });
    matching = t.app.get(MatchingService);
  });
  afterAll(async () => {
    await t.close();
    await dropDatabase(url);
  });

  it('computes the size band as sizeBand() does', async () => {
    const revenues = [null, 0, -1, 1, 1999.99, 2000, 99_999, 100_000, 999_999.5, 1_000_000, 5e9];
    const staff = [null, 0, 1, 19, 20, 999, 1_000, 9_999, 10_000, 2_000_000];
    const pairs = revenues.flatMap((r) => staff.map((e) => [r, e] as const));
    const rows: { band: number }[] = await t.ds.query(
      `SELECT enterprise_size_band(r, e)::int AS band FROM unnest($1::numeric[], $2::int[]) AS x(r, e)`,
      [pairs.map(([r]) => r), pairs.map(([, e]) => e)],
    );
    expect(rows.map((r) => r.band)).toEqual(pairs.map(([r, e]) => sizeBand(r, e)));
  });

  describe('on a dense battery chain', () => {
    const rows: Row[] = [];
    beforeAll(async () => {
      const rng = new Rng(20_261_203);
      const made = Array.from({ length: 400 }, () => {
        const known = rng.next();
        return {
          name: uniq('企业'),
          jurisdiction: rng.chance(0.5) ? 'beibei' : 'mianyang',
          segments: rng.sample(NEV, rng.int(1, 2)),
          needs: rng.chance(0.5) ? rng.sample(NEV, 1) : [],
          chain_leader: rng.chance(0.08),
          revenue_wan: known < 0.1 ? null : rng.pick([800, 1_900, 30_000, 60_000, 250_000, 2_000_000]),
          employees: known < 0.05 ? null : rng.int(5, 20_000),
        };
      });
      rows.push(
        ...(await t.ds.query(
          `INSERT INTO enterprises (name, jurisdiction, segments, needs, chain_leader, revenue_wan, employees)
           SELECT * FROM jsonb_to_recordset($1::jsonb)
                 AS x(name text, jurisdiction text, segments text[], needs text[], chain_leader boolean,
                      revenue_wan numeric, employees int)
           RETURNING id, jurisdiction, segments, needs, chain_leader, revenue_wan, employees`,
          [JSON.stringify(made)],
        )),
      );
    });

    it('indexes every enterprise with the engine’s size band and need strength', async () => {
      const index: {
        enterprise_id: string;
        segment: string;
        role: string;
        size_band: number;
        link_rank: number;
      }[] = await t.ds.query(
        `SELECT enterprise_id, segment, role, size_band, link_rank FROM match_candidates WHERE enterprise_id = ANY($1)`,
        [rows.map((r) => r.id)],
      );
      const expected = rows.flatMap((r) => {
        const band = sizeBand(r.revenue_wan === null ? null : Number(r.revenue_wan), r.employees);
        const leader = r.chain_leader ? 0 : 1;
        return [
          ...r.segments.map((s) => `${r.id}|${s}|makes|${band}|${leader}`),
          ...r.needs.map(
            (n) =>
              `${r.id}|${n}|needs|${band}|${(needStrength(graph, n, r.segments) === 'core' ? 0 : 2) + leader}`,
          ),
        ];
      });
      const actual = index.map(
        (i) => `${i.enterprise_id}|${i.segment}|${i.role}|${i.size_band}|${i.link_rank}`,
      );
      expect(actual.sort()).toEqual([...new Set(expected)].sort());
      expect(new Set(index.map((i) => i.link_rank))).toEqual(new Set([0, 1, 2, 3]));
      expect(new Set(index.map((i) => i.size_band)).size).toBe(4);
    });

    it('re-indexes an enterprise whose revenue or head count changes', async () => {
      const r = rows[0];
      await t.ds.query(`UPDATE enterprises SET revenue_wan = 500, employees = 12 WHERE id = $1`, [r.id]);
      const bands = await t.ds.query(
        `SELECT DISTINCT size_band FROM match_candidates WHERE enterprise_id = $1`,
        [r.id],
      );
      expect(bands).toEqual([{ size_band: 0 }]);
      r.revenue_wan = '500';
      r.employees = 12;
    });

    it('matches every lead exactly as scoring every enterprise would', async () => {
      const leads = [
        { jurisdiction: 'beibei', segments: ['nev.battery-cell'], plannedInvestmentWan: 500_000 },
        { jurisdiction: 'mianyang', segments: ['nev.cathode'], plannedInvestmentWan: 3_000 },
        { jurisdiction: 'beibei', segments: ['nev.vehicle'], plannedInvestmentWan: 60_000 },
        { jurisdiction: 'mianyang', segments: ['nev.battery-recycling'], plannedInvestmentWan: 0 },
        {
          jurisdiction: 'beibei',
          segments: ['nev.e-drive', 'nev.power-semi'],
          plannedInvestmentWan: 120_000,
        },
        { jurisdiction: 'mianyang', segments: ['nev.charging'], plannedInvestmentWan: 20_000 },
      ];
      // Every enterprise of the database, read as the matcher reads its candidates' rows.
      const ids: { id: string }[] = await t.ds.query(`SELECT id FROM enterprises`);
      const all = [
        ...(
          await t.app.get(CandidateRepository).enterprises(
            t.ds.manager,
            ids.map((r) => r.id),
          )
        ).values(),
      ];
      for (const l of leads) {
        const id = await insertLead(t.ds, l.jurisdiction, l.segments, l.plannedInvestmentWan);
        await matching.matchLeadJob({ leadId: id, version: 1 });
        const stored = await t.ds.query(
          `SELECT enterprise_id, relation, score, rank, algorithm_version FROM matches
            WHERE lead_id = $1 AND kind = 'partner' AND status = 'proposed' ORDER BY rank`,
          [id],
        );
        const naive = matchLead({
          graph,
          lead: { id, ...l },
          enterprises: all,
          parks: [],
          clusterCounts: new Map(),
        }).partners;
        expect(stored).toEqual(
          naive.map((p) => ({
            enterprise_id: p.enterpriseId,
            relation: p.relation,
            score: p.score,
            rank: p.rank,
            algorithm_version: ALGORITHM_VERSION,
          })),
        );
        expect(stored).toHaveLength(10);
      }
    });
  });

  it('a re-match under the new algorithm keeps accepted matches and never resurrects rejected ones', async () => {
    const e = async (segments: string[], jurisdiction = 'mianyang') =>
      (
        await t.ds.query(
          `INSERT INTO enterprises (name, jurisdiction, segments, revenue_wan) VALUES ($1, $2, $3, 50000) RETURNING id`,
          [uniq('企业'), jurisdiction, segments],
        )
      )[0].id as string;
    const accepted = await e(['biomed.api']);
    const acceptedGone = await e(['nev.cathode']);
    const rejected = await e(['biomed.distribution']);
    const stale = await e(['nmat.ceramics']);
    const leadId = await insertLead(t.ds, 'beibei', ['biomed.generics'], 50_000);
    // Matches as the previous algorithm stored them, with the managers' decisions.
    const manager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    await t.ds.query(
      `INSERT INTO matches (lead_id, kind, enterprise_id, relation, score, rank, reasons, status, algorithm_version, lead_version, decided_by)
       VALUES ($1, 'partner', $2, 'upstream', 0.9, 1, '[]', 'accepted', 'chain-2026.11.1', 1, $6),
              ($1, 'partner', $3, 'upstream', 0.8, 2, '[]', 'accepted', 'chain-2026.11.1', 1, $6),
              ($1, 'partner', $4, 'downstream', 0.62, 3, '[]', 'rejected', 'chain-2026.11.1', 1, $6),
              ($1, 'partner', $5, 'downstream', 0.5, 4, '[]', 'proposed', 'chain-2026.11.1', 1, NULL)`,
      [leadId, accepted, acceptedGone, rejected, stale, manager.id],
    );
    await matching.rematchAll({ requestedBy: null, jurisdiction: 'beibei' });
    const rows: { enterprise_id: string; status: string; algorithm_version: string; reasons: any[] }[] =
      await t.ds.query(
        `SELECT enterprise_id, status, algorithm_version, reasons FROM matches WHERE lead_id = $1 AND kind = 'partner'`,
        [leadId],
      );
    const of = (id: string) => rows.find((r) => r.enterprise_id === id)!;
    // still proposed by the new algorithm: kept accepted, scored and explained anew
    expect(of(accepted)).toMatchObject({ status: 'accepted', algorithm_version: ALGORITHM_VERSION });
    expect(of(accepted).reasons[0]).toMatchObject({ code: 'CORE_LINK' });
    // no longer a partner: still accepted, never dropped
    expect(of(acceptedGone)).toMatchObject({ status: 'accepted', algorithm_version: 'chain-2026.11.1' });
    // a partner again, but rejected: never resurrected
    expect(of(rejected)).toMatchObject({ status: 'rejected', algorithm_version: 'chain-2026.11.1' });
    expect(of(stale).status).toBe('withdrawn');
    expect(rows.filter((r) => r.status === 'proposed').map((r) => r.enterprise_id)).not.toContain(rejected);

    // The lead's matches tab and the review queue show each link's strength.
    const res = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(manager.auth).expect(200);
    const shown = new Map<string, any>(res.body.partners.map((p: any) => [p.enterpriseId, p]));
    expect(shown.get(accepted)).toMatchObject({ status: 'accepted', strength: 'core' });
    expect(shown.get(accepted).reasons[0].text).toBe('为仿制药提供原料药与中间体（核心配套）');
    expect(shown.get(acceptedGone)).toMatchObject({ status: 'accepted', strength: null });
    expect(shown.get(rejected)).toMatchObject({ status: 'rejected' });
    const en = await t.http
      .get(`/api/v1/leads/${leadId}/matches`)
      .set(manager.auth)
      .set('Accept-Language', 'en')
      .expect(200);
    expect(en.body.partners.find((p: any) => p.enterpriseId === accepted).reasons[0].text).toBe(
      "Supplies APIs & intermediates to the project's generics (core link)",
    );
    const list = await t.http.get('/api/v1/matches?status=accepted').set(manager.auth).expect(200);
    expect(list.body.items.find((i: any) => i.enterpriseId === accepted)).toMatchObject({ strength: 'core' });
  });
});
