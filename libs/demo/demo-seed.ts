import { DataSource, EntityManager } from 'typeorm';
import type { Jurisdiction, Role } from '../common/request-context';
import { sqlRows } from '../db/sql';
import type { LeadColumn } from '../leads/lead-columns';
import { insertLeadRows } from '../leads/lead-writer';
import { hashPassword } from '../identity/secrets';
import { CooperationSeedResult, seedCooperation } from './cooperation-demo';
import { DemoLead, LEAD_STAGES, makeEnterprise, makeLead } from './demo-data';
import { seedEvents } from './demo-events';
import { recordRng } from './random';
import { CITY_NAMES } from './vocabulary';
import { LOCKS } from '../jobs/jobs';

/**
 * `npm run seed:demo` (DESIGN §13): demo users, a few hundred enterprises and leads.
 *
 * Idempotent by construction: every demo record has a deterministic id (seeded generators) and is
 * inserted with `ON CONFLICT DO NOTHING`, users by username, so a second run creates nothing and
 * never overwrites what people changed in the demo. Demo records carry externalRefs
 * `{system: 'demo', id: 'ent-000001' | 'lead-0000001'}`.
 *
 * Everything is written in one transaction; inserting a lead queues its `match-lead` job through
 * the outbox (the leads' insert trigger), so the worker computes its matches (DESIGN §12) exactly
 * as for a lead created through the API.
 */

export const DEMO_SEED = 20261127;
export const DEMO_SYSTEM = 'demo';

export interface DemoUserSpec {
  username: string;
  displayName: string;
  jurisdiction: Jurisdiction;
  role: Role;
}

export const DEMO_USERS: readonly DemoUserSpec[] = [
  { username: 'beibei.officer', displayName: '北碚招商专员', jurisdiction: 'beibei', role: 'officer' },
  { username: 'beibei.manager', displayName: '北碚招商负责人', jurisdiction: 'beibei', role: 'manager' },
  { username: 'mianyang.officer', displayName: '绵阳招商专员', jurisdiction: 'mianyang', role: 'officer' },
  { username: 'mianyang.manager', displayName: '绵阳招商负责人', jurisdiction: 'mianyang', role: 'manager' },
  { username: 'admin', displayName: '系统管理员', jurisdiction: 'beibei', role: 'admin' },
  // Each city manages its own API keys and users (DESIGN §11): Mianyang has its own admin.
  { username: 'mianyang.admin', displayName: '绵阳系统管理员', jurisdiction: 'mianyang', role: 'admin' },
];

export interface SeedDemoOptions {
  password?: string;
  enterprises?: number;
  leads?: number;
  seed?: number;
  now?: number;
  log?: (message: string) => void;
}

export interface SeedCount {
  created: number;
  existing: number;
}

export interface SeedDemoResult {
  users: SeedCount;
  enterprises: SeedCount;
  leads: SeedCount;
  activities: number;
  matchJobs: number;
  cooperation: CooperationSeedResult;
}

const ACTIVITY_NOTES: Record<string, (city: string) => string> = {
  call: () => '电话沟通项目进展，对方关注用地、能耗指标和配套政策。',
  email: () => '发送产业政策汇编和园区载体资料。',
  visit: (city) => `赴企业总部拜访，介绍${city}产业链配套和招商政策。`,
  meeting: () => '双方就投资规模、建设周期和协议主要条款进行洽谈。',
  event: (city) => `企业代表参加${city}产业推介会，现场交流合作意向。`,
  note: () => '企业内部投资决策会议推迟，等待董事会意见。',
};
const ACTIVITY_TYPES = Object.keys(ACTIVITY_NOTES);

export async function seedDemo(ds: DataSource, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? DEMO_SEED;
  const enterpriseCount = options.enterprises ?? 320;
  const leadCount = options.leads ?? 120;
  const password = options.password ?? 'liancheng-demo';
  const now = options.now ?? Date.now();

  // Hash outside the transaction (argon2 takes a while) and only for users that do not exist yet.
  const present: { username: string }[] = await sqlRows(
    ds,
    `SELECT lower(username) AS username FROM users WHERE lower(username) = ANY($1)`,
    [DEMO_USERS.map((u) => u.username)],
  );
  const missing = DEMO_USERS.filter((u) => !present.some((p) => p.username === u.username));
  const hash = missing.length ? await hashPassword(password) : '';

  return ds.transaction(async (em) => {
    // Two seeds at once would both see "nothing there"; serialise them.
    await sqlRows(em, `SELECT pg_advisory_xact_lock(${LOCKS.demoSeed})`);
    const users = await seedUsers(em, missing, hash);
    log(`users: ${users.created} created, ${users.existing} already there`);

    const owners = await officerIds(em);
    const enterprises = await seedEnterprises(em, seed, enterpriseCount);
    log(`enterprises: ${enterprises.created} created, ${enterprises.existing} already there`);

    const leadRows = Array.from({ length: leadCount }, (_, i) =>
      makeLead({ seed, enterpriseCount, owners, now }, i),
    );
    const { counts: leads, createdIds } = await seedLeads(em, leadRows);
    log(`leads: ${leads.created} created, ${leads.existing} already there`);

    const created = leadRows.filter((l) => createdIds.has(l.id));
    const activities = await seedActivities(em, seed, created, now);
    if (activities) log(`activities: ${activities} created`);

    const events = await seedEvents(em, seed, now);
    if (events) log(`promotion events: ${events} created`);

    if (created.length) log(`matching: ${created.length} match-lead jobs queued (the worker computes them)`);
    const cooperation = await seedCooperation(em, now);
    log(`cooperation: ${cooperation.items} action items, ${cooperation.meetings} joint meetings created`);
    return { users, enterprises, leads, activities, matchJobs: created.length, cooperation };
  });
}

async function seedUsers(
  em: EntityManager,
  missing: readonly DemoUserSpec[],
  hash: string,
): Promise<SeedCount> {
  if (!missing.length) return { created: 0, existing: DEMO_USERS.length };
  const rows = await sqlRows(
    em,
    `INSERT INTO users (username, display_name, jurisdiction, role, password_hash)
     SELECT u, d, j, r, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(u, d, j, r)
     ON CONFLICT ((lower(username))) DO NOTHING
     RETURNING id`,
    [
      missing.map((u) => u.username),
      missing.map((u) => u.displayName),
      missing.map((u) => u.jurisdiction),
      missing.map((u) => u.role),
      hash,
    ],
  );
  return { created: rows.length, existing: DEMO_USERS.length - rows.length };
}

async function officerIds(em: EntityManager): Promise<Record<Jurisdiction, string[]>> {
  const rows: { id: string; jurisdiction: Jurisdiction }[] = await sqlRows(
    em,
    `SELECT id, jurisdiction FROM users WHERE lower(username) IN ('beibei.officer', 'mianyang.officer')`,
  );
  const owners: Record<Jurisdiction, string[]> = { beibei: [], mianyang: [] };
  for (const r of rows) owners[r.jurisdiction].push(r.id);
  return owners;
}

async function seedEnterprises(em: EntityManager, seed: number, count: number): Promise<SeedCount> {
  const rows = Array.from({ length: count }, (_, i) => {
    const e = makeEnterprise(seed, i);
    return {
      id: e.id,
      name: e.name,
      uscc: e.uscc,
      jurisdiction: e.jurisdiction,
      segments: e.segments,
      needs: e.needs,
      chain_leader: e.chainLeader,
      revenue_wan: e.revenueWan,
      employees: e.employees,
      address: e.address,
      tags: e.tags,
      external_refs: [{ system: DEMO_SYSTEM, id: e.ref }],
    };
  });
  // No conflict target: an id or a USCC already taken (someone entered the same company) is skipped.
  const inserted = await sqlRows(
    em,
    `INSERT INTO enterprises (id, name, uscc, jurisdiction, segments, needs, chain_leader, revenue_wan,
                              employees, address, tags, external_refs)
     SELECT id, name, uscc, jurisdiction, segments, needs, chain_leader, revenue_wan, employees, address, tags,
            external_refs
     FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, name text, uscc text, jurisdiction text, segments text[],
          needs text[], chain_leader boolean, revenue_wan numeric, employees int, address text, tags text[],
          external_refs jsonb)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  return { created: inserted.length, existing: count - inserted.length };
}

/** The columns of a demo lead row (seedLeads), as the generator fills them. */
const DEMO_LEAD_COLUMNS: LeadColumn[] = [
  'id',
  'title',
  'investor_name',
  'investor_norm',
  'investor_uscc',
  'investor_enterprise_id',
  'investor_country',
  'summary',
  'segments',
  'industries',
  'planned_investment_wan',
  'land_need_mu',
  'expected_jobs',
  'stage',
  'resume_stage',
  'jurisdiction',
  'owner_id',
  'sharing',
  'confidential',
  'code_name',
  'source',
  'next_action_at',
  'contacts',
  'external_refs',
  'created_at',
  'updated_at',
  'partner_summary',
  'signed_at',
  'contract_amount_wan',
  'project_uscc',
  'started_at',
  'operating_at',
  'funds_in_place',
];

async function seedLeads(
  em: EntityManager,
  leads: DemoLead[],
): Promise<{ counts: SeedCount; createdIds: Set<string> }> {
  // A lead points at its investor enterprise as it really is in the table (found by USCC, so an
  // enterprise someone entered before the demo seed ran is used rather than skipped).
  const known = await sqlRows<{ id: string; uscc: string }>(
    em,
    `SELECT id, uscc FROM enterprises WHERE uscc = ANY($1::text[]) AND deleted_at IS NULL`,
    [[...new Set(leads.filter((l) => l.investor.enterpriseId).map((l) => l.investor.uscc!))]],
  );
  const enterpriseByUscc = new Map(known.map((k) => [k.uscc, k.id]));
  // Ids are deterministic, but a demo lead is also recognised by its external ref (robust to a
  // generator change that moved ids).
  const refs = await sqlRows<{ ref: string }>(
    em,
    `SELECT r->>'id' AS ref FROM leads, jsonb_array_elements(external_refs) r WHERE r->>'system' = $1`,
    [DEMO_SYSTEM],
  );
  const seen = new Set(refs.map((r) => r.ref));
  const rows = leads
    .filter((l) => !seen.has(l.ref))
    .map((l) => ({
      id: l.id,
      title: l.title,
      investor_name: l.investor.name,
      investor_norm: l.investor.norm,
      investor_uscc: l.investor.uscc,
      investor_enterprise_id: l.investor.enterpriseId
        ? (enterpriseByUscc.get(l.investor.uscc!) ?? null)
        : null,
      investor_country: l.investor.country,
      summary: l.summary,
      segments: l.segments,
      industries: l.industries,
      planned_investment_wan: l.plannedInvestmentWan,
      land_need_mu: l.landNeedMu,
      expected_jobs: l.expectedJobs,
      stage: l.stage,
      resume_stage: l.resumeStage,
      jurisdiction: l.jurisdiction,
      owner_id: l.ownerId,
      sharing: l.sharing,
      confidential: l.confidential,
      code_name: l.codeName,
      source: l.source,
      next_action_at: l.nextActionAt?.toISOString() ?? null,
      contacts: l.contacts,
      external_refs: [{ system: DEMO_SYSTEM, id: l.ref }],
      created_at: l.createdAt.toISOString(),
      updated_at: l.updatedAt.toISOString(),
      partner_summary: l.partnerSummary,
      signed_at: l.signedAt,
      contract_amount_wan: l.contractAmountWan,
      project_uscc: l.projectUscc,
      started_at: l.startedAt,
      operating_at: l.operatingAt,
      funds_in_place: l.fundsInPlace,
    }));
  const inserted = await insertLeadRows(em, DEMO_LEAD_COLUMNS, rows);
  const createdIds = new Set(inserted);
  return { counts: { created: createdIds.size, existing: leads.length - createdIds.size }, createdIds };
}

/** A short timeline for each new lead: further along the pipeline, more contact so far. */
async function seedActivities(
  em: EntityManager,
  seed: number,
  leads: DemoLead[],
  now: number,
): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  leads.forEach((l, i) => {
    const rng = recordRng(seed, i, 5);
    const progress = Math.min(LEAD_STAGES.indexOf(l.stage), 4);
    const n = rng.int(0, 1) + progress;
    const span = Math.max(1, Math.min(now, l.updatedAt.getTime()) - l.createdAt.getTime());
    for (let k = 0; k < n; k++) {
      const type = rng.pick(ACTIVITY_TYPES);
      rows.push({
        lead_id: l.id,
        type,
        occurred_at: new Date(l.createdAt.getTime() + Math.floor((span * (k + 1)) / (n + 1))).toISOString(),
        summary: ACTIVITY_NOTES[type](CITY_NAMES[l.jurisdiction]),
        author_id: l.ownerId,
        jurisdiction: l.jurisdiction,
      });
    }
  });
  if (!rows.length) return 0;
  const inserted = await sqlRows(
    em,
    `INSERT INTO activities (lead_id, type, occurred_at, summary, author_id, jurisdiction)
     SELECT lead_id, type, occurred_at, summary, author_id, jurisdiction
     FROM jsonb_to_recordset($1::jsonb) AS t(lead_id uuid, type text, occurred_at timestamptz, summary text,
          author_id uuid, jurisdiction text)
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  return inserted.length;
}
