import { hash } from 'crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqlRows } from '../db/sql';
import { dispatchRowsSql } from '../events/events.service';
import { JobPayloads } from '../jobs/jobs';
import { affectedLeadSegments } from '../matching/chain';
import { ALGORITHM_VERSION, EnterpriseCandidate, matchLead } from '../matching/engine';
import type { Reason } from '../matching/reasons';
import { metricsRegistry } from '../platform/metrics';
import { OUTBOX_CHANNEL, OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { CandidateRepository } from './candidate.repository';

export const matchDuration = new Histogram({
  name: 'liancheng_match_duration_seconds',
  help: 'Time to compute and store the matches of one lead (database reads and writes included)',
  labelNames: ['mode'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [metricsRegistry],
});

/**
 * Leads per transaction when re-matching in bulk. A batch's candidate lists are one query over the
 * union of its leads' lists, which 100 leads already nearly cover: 200 halves that cost per lead
 * (bench: Postgres CPU per lead ≈ 0.27 → 0.2 ms) while `concurrency` batches in flight still keep
 * both the event loop and Postgres busy, and each transaction holds its leads' locks < 1 s.
 */
export const REMATCH_BATCH = 200;
/** Leads enqueued per outbox transaction by rematch-affected. */
const FANOUT_BATCH = 500;

export interface MatchRequest {
  leadId: string;
  /**
   * The match version (`leads.match_version`) the job was queued for. The job always computes the
   * lead's CURRENT match version: a job queued for an older one hands over to the newest instead of
   * dropping work. It skips only when matches of a newer version than its own are already stored
   * (computed after it was queued, so they cover whatever it was queued for).
   */
  version?: number;
}

export interface MatchOutcome {
  matched: number;
  skippedStale: number;
  skippedMissing: number;
  /** Leads that are lost: their matches are frozen (DESIGN §6 `lost`). */
  skippedLost: number;
  proposed: number;
  withdrawn: number;
}

interface LeadRow {
  id: string;
  version: number;
  match_version: number;
  /** The match version the stored matches were computed for (0: never). */
  matched_version: number;
  jurisdiction: string;
  segments: string[];
  land_need_mu: string | null;
  stage: string;
  planned_investment_wan: string;
  archived?: boolean;
}

interface ExistingMatch {
  id: string;
  lead_id: string;
  kind: 'partner' | 'park';
  target: string;
  relation: string | null;
  score: number;
  rank: number;
  /** md5 of the stored reasons' jsonb text (the reasons themselves are not read back). */
  reasons_md5: string;
  status: 'proposed' | 'accepted' | 'rejected' | 'withdrawn';
  version: number;
  algorithm_version: string;
}

interface Produced {
  kind: 'partner' | 'park';
  target: string;
  relation: string | null;
  score: number;
  rank: number;
  reasons: Reason[];
}

interface UpdateRow {
  id: string;
  score: number;
  rank: number;
  /** null: keep the stored reasons (a withdrawal). */
  reasons: Reason[] | null;
  relation: string | null;
  status: string;
  leadVersion: number;
  version: number;
  /** withdrawn → proposed again: announce it like a new proposal. */
  reproposed: boolean;
  jurisdiction: string;
  leadId: string;
  kind: string;
}

/** Advisory lock key of a lead's matches; decisions take the same lock (no lost updates). */
export const MATCH_LOCK_SQL = `hashtextextended('lc:match:' || $1::text, 0)`;

/**
 * The match store and the job handlers' logic (DESIGN §10, §12). Every write path is idempotent:
 * a job run twice leaves the same rows, because it re-reads the lead, diffs against what is
 * stored and changes only what differs (and bumps `version` only then).
 */
@Injectable()
export class MatchingService {
  private readonly logger = new Logger(MatchingService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly candidates: CandidateRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The `match-lead` job. */
  async matchLeadJob(payload: JobPayloads['match-lead']): Promise<MatchOutcome> {
    const started = performance.now();
    const out = await this.matchLeads([{ leadId: payload.leadId, version: payload.version }]);
    matchDuration.observe({ mode: 'single' }, (performance.now() - started) / 1000);
    return out;
  }

  /**
   * Computes and stores the matches of a batch of leads in ONE transaction (set-based reads and
   * writes, so a full re-match costs a few statements per hundred leads).
   */
  async matchLeads(requests: MatchRequest[]): Promise<MatchOutcome> {
    const outcome: MatchOutcome = {
      matched: 0,
      skippedStale: 0,
      skippedMissing: 0,
      skippedLost: 0,
      proposed: 0,
      withdrawn: 0,
    };
    if (!requests.length) return outcome;
    const wantedVersion = new Map<string, number | undefined>();
    for (const r of requests) {
      const id = r.leadId.toLowerCase();
      const prev = wantedVersion.get(id);
      wantedVersion.set(
        id,
        prev === undefined || r.version === undefined ? r.version : Math.max(prev, r.version),
      );
    }
    const ids = [...wantedVersion.keys()].sort();
    const graph = await this.taxonomy.graph();
    const [parks, clusterCounts] = await Promise.all([
      this.candidates.parks(),
      this.candidates.clusterCounts(),
    ]);

    await this.ds.transaction(async (em) => {
      // Serialise with other match jobs and decisions on the same leads (sorted: no deadlocks).
      // The leads are read by the NEXT statement, whose snapshot follows the locks: a job that
      // waited for another one sees the inputs and the state that one saw or newer, never older
      // (read in the locking statement, a waiting job could store matches of superseded inputs).
      await em.query(
        `SELECT count(pg_advisory_xact_lock(hashtextextended('lc:match:' || s.id::text, 0)))
           FROM (SELECT t.id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) ORDER BY t.n) AS s`,
        [ids],
      );
      const leadRows: LeadRow[] = await em.query(
        `SELECT l.id, l.version, l.match_version, COALESCE(s.matched_version, 0) AS matched_version,
                l.jurisdiction, l.segments, l.land_need_mu, l.stage, l.planned_investment_wan,
                l.archived_at IS NOT NULL AS archived
           FROM leads l LEFT JOIN lead_match_state s ON s.lead_id = l.id
          WHERE l.id = ANY($1::uuid[])
          ORDER BY l.id`,
        [ids],
      );
      const leads: LeadRow[] = [];
      const found = new Set(leadRows.map((l) => l.id));
      outcome.skippedMissing = ids.filter((id) => !found.has(id)).length;
      const frozen: string[] = [];
      for (const l of leadRows) {
        const v = wantedVersion.get(l.id);
        if (v !== undefined && l.matched_version > v) outcome.skippedStale++;
        // A lost lead's matches stay as they were when it was lost (a merge has withdrawn those of
        // a lead merged away): a job queued before it was lost settles its state and writes nothing.
        // Archived leads leave matching the same way (DESIGN §4).
        else if (l.stage === 'lost' || l.archived) frozen.push(l.id);
        else leads.push(l);
      }
      if (frozen.length) {
        outcome.skippedLost = frozen.length;
        await em.query(
          `UPDATE lead_match_state s SET matched_version = l.match_version
             FROM leads l WHERE l.id = s.lead_id AND s.lead_id = ANY($1::uuid[])`,
          [frozen],
        );
      }
      if (!leads.length) return;
      const leadIds = leads.map((l) => l.id);

      const existing: ExistingMatch[] = await em.query(
        `SELECT id, lead_id, kind, COALESCE(enterprise_id, park_id) AS target, relation, score, rank,
                md5(reasons::text) AS reasons_md5, status, version, algorithm_version
           FROM matches WHERE lead_id = ANY($1::uuid[])`,
        [leadIds],
      );
      const byLead = new Map<string, ExistingMatch[]>();
      for (const m of existing) (byLead.get(m.lead_id) ?? byLead.set(m.lead_id, []).get(m.lead_id)!).push(m);

      const rejectedOf = (leadId: string, kind: string) =>
        (byLead.get(leadId) ?? [])
          .filter((m) => m.kind === kind && m.status === 'rejected')
          .map((m) => m.target);
      // Bound each lead's candidates from the index entries, then read only the survivors' rows.
      const bounded = await this.candidates.bounded(
        em,
        graph,
        leads.map((l) => ({
          lead: {
            id: l.id,
            jurisdiction: l.jurisdiction,
            segments: l.segments,
            plannedInvestmentWan: Number(l.planned_investment_wan),
          },
          rejected: rejectedOf(l.id, 'partner'),
        })),
      );
      const rows = await this.candidates.enterprises(em, [...new Set([...bounded.values()].flat())]);

      const inserts: (Produced & { leadId: string; leadVersion: number; jurisdiction: string })[] = [];
      const updates: UpdateRow[] = [];
      for (const lead of leads) {
        const mine = byLead.get(lead.id) ?? [];
        const excludedPartners = rejectedOf(lead.id, 'partner');
        const enterprises = bounded
          .get(lead.id)!
          .map((id) => rows.get(id))
          .filter((e): e is EnterpriseCandidate => !!e);
        const result = matchLead({
          graph,
          lead: {
            id: lead.id,
            jurisdiction: lead.jurisdiction,
            segments: lead.segments,
            landNeedMu: lead.land_need_mu === null ? null : Number(lead.land_need_mu),
            plannedInvestmentWan: Number(lead.planned_investment_wan),
          },
          enterprises,
          parks,
          clusterCounts,
          exclude: { enterpriseIds: excludedPartners, parkIds: rejectedOf(lead.id, 'park') },
        });
        const produced: Produced[] = [
          ...result.partners.map((p) => ({
            kind: 'partner' as const,
            target: p.enterpriseId,
            relation: p.relation,
            score: p.score,
            rank: p.rank,
            reasons: p.reasons,
          })),
          ...result.parks.map((p) => ({
            kind: 'park' as const,
            target: p.parkId,
            relation: null,
            score: p.score,
            rank: p.rank,
            reasons: p.reasons,
          })),
        ];
        const stored = new Map(mine.map((m) => [`${m.kind}|${m.target}`, m]));
        const producedKeys = new Set<string>();
        for (const p of produced) {
          const key = `${p.kind}|${p.target}`;
          producedKeys.add(key);
          const m = stored.get(key);
          if (!m) {
            inserts.push({
              ...p,
              leadId: lead.id,
              leadVersion: lead.version,
              jurisdiction: lead.jurisdiction,
            });
            continue;
          }
          if (m.status === 'rejected') continue; // never resurrected (excluded above anyway)
          const status = m.status === 'accepted' ? 'accepted' : 'proposed';
          if (status === m.status && !differs(m, p)) continue;
          updates.push({
            id: m.id,
            score: p.score,
            rank: p.rank,
            reasons: p.reasons,
            relation: p.relation,
            status,
            leadVersion: lead.version,
            version: m.version,
            reproposed: m.status === 'withdrawn',
            jurisdiction: lead.jurisdiction,
            leadId: lead.id,
            kind: m.kind,
          });
        }
        // Proposals no longer produced are withdrawn; accepted ones are never dropped (DESIGN §10).
        for (const m of mine) {
          if (m.status !== 'proposed' || producedKeys.has(`${m.kind}|${m.target}`)) continue;
          updates.push({
            id: m.id,
            score: m.score,
            rank: m.rank,
            reasons: null,
            relation: m.relation,
            status: 'withdrawn',
            leadVersion: lead.version,
            version: m.version,
            reproposed: false,
            jurisdiction: lead.jurisdiction,
            leadId: lead.id,
            kind: m.kind,
          });
        }
      }

      // Every write in ONE statement (a single round trip, which is most of what a single lead's
      // match costs): new matches, changed ones, the leads' matched versions, and a
      // `match.proposed` domain event with its outbox row for each new or re-proposed match,
      // shaped exactly as EventsService.recordMany writes them (DESIGN §11–12: events only for
      // committed changes, in the same transaction). Rows travel as one JSON document each.
      // Only the parts this batch needs: a re-match that changes nothing writes the state alone
      // (no empty INSERT/UPDATE on matches firing their statement triggers).
      const params: unknown[] = [];
      const param = (value: unknown) => `$${params.push(value)}`;
      const version = param(ALGORITHM_VERSION);
      const state = param(
        JSON.stringify(
          leads.map((l) => ({ id: l.id, v: l.version, mv: l.match_version, j: l.jurisdiction })),
        ),
      );
      const ctes: string[] = [];
      const proposedFrom: string[] = [];
      if (inserts.length) {
        const rows = inserts.map((i) => ({
          lead_id: i.leadId,
          kind: i.kind,
          target: i.target,
          relation: i.relation,
          score: i.score,
          rank: i.rank,
          reasons: i.reasons,
          lead_version: i.leadVersion,
        }));
        ctes.push(`ins AS (
           INSERT INTO matches (lead_id, kind, enterprise_id, park_id, relation, score, rank, reasons,
                                status, algorithm_version, lead_version)
           SELECT t.lead_id, t.kind,
                  CASE WHEN t.kind = 'partner' THEN t.target END,
                  CASE WHEN t.kind = 'park' THEN t.target END,
                  t.relation, t.score, t.rank, t.reasons, 'proposed', ${version}, t.lead_version
             FROM jsonb_to_recordset(${param(JSON.stringify(rows))}::jsonb)
                  AS t(lead_id uuid, kind text, target uuid, relation text, score float8, rank int,
                       reasons jsonb, lead_version int)
           ON CONFLICT DO NOTHING
           RETURNING id, lead_id, kind, version)`);
        proposedFrom.push(`SELECT id, lead_id, kind, version FROM ins`);
      }
      if (updates.length) {
        const rows = updates.map((u) => ({
          id: u.id,
          score: u.score,
          rank: u.rank,
          reasons: u.reasons,
          relation: u.relation,
          status: u.status,
          lead_version: u.leadVersion,
          version: u.version,
          reproposed: u.reproposed,
        }));
        ctes.push(`upd AS (
           UPDATE matches m
              SET score = t.score, rank = t.rank, reasons = COALESCE(t.reasons, m.reasons),
                  relation = t.relation, status = t.status, lead_version = t.lead_version,
                  algorithm_version = ${version}, computed_at = now(), version = m.version + 1
             FROM jsonb_to_recordset(${param(JSON.stringify(rows))}::jsonb)
                  AS t(id uuid, score float8, rank int, reasons jsonb, relation text, status text,
                       lead_version int, version int, reproposed boolean)
            WHERE m.id = t.id AND m.version = t.version
           RETURNING m.id, m.lead_id, m.kind, m.version, m.status, t.reproposed)`);
        proposedFrom.push(`SELECT id, lead_id, kind, version FROM upd WHERE reproposed`);
      }
      // A lead without a state row (written before its trigger existed, or lost) gets one that
      // claims nothing queued beyond what was computed.
      ctes.push(`state AS (
           INSERT INTO lead_match_state (lead_id, matched_version, queued_version, algorithm_version, computed_at)
           SELECT t.id, t.mv, t.mv, ${version}, now() FROM jsonb_to_recordset(${state}::jsonb) AS t(id uuid, mv int)
           ON CONFLICT (lead_id) DO UPDATE
             SET matched_version = EXCLUDED.matched_version, algorithm_version = EXCLUDED.algorithm_version,
                 computed_at = EXCLUDED.computed_at)`);
      if (proposedFrom.length) {
        ctes.push(`proposed AS (${proposedFrom.join(' UNION ALL ')})`);
        ctes.push(`ev AS (
           INSERT INTO domain_events (type, entity, entity_id, entity_version, jurisdiction, detail)
           SELECT 'match.proposed', 'match', p.id, p.version, l.j,
                  jsonb_build_object('leadId', p.lead_id, 'kind', p.kind)
             FROM proposed p JOIN jsonb_to_recordset(${state}::jsonb) AS l(id uuid, j text) ON l.id = p.lead_id
           RETURNING id, type, detail)`);
        ctes.push(`queued AS (
           INSERT INTO outbox (kind, dedupe_key, payload) ${dispatchRowsSql('ev')}
           RETURNING 1)`);
      }
      const [written] = await sqlRows<{ proposed: number; withdrawn: number }>(
        em,
        `WITH ${ctes.join(',\n')}
         SELECT ${proposedFrom.length ? '(SELECT count(*) FROM proposed)' : '0'}::int AS proposed,
                ${updates.length ? "(SELECT count(*) FROM upd WHERE status = 'withdrawn')" : '0'}::int AS withdrawn,
                -- wakes the relay at commit, as OutboxService.enqueueMany does
                ${proposedFrom.length ? `(SELECT pg_notify(${param(OUTBOX_CHANNEL)}, '') FROM (SELECT 1 FROM queued LIMIT 1) AS q)` : 'NULL'} AS notified`,
        params,
      );
      outcome.proposed += written.proposed;
      outcome.withdrawn += written.withdrawn;
      outcome.matched = leads.length;
    });
    return outcome;
  }

  /**
   * The `rematch-affected` job: base data changed, so re-match the leads it can affect (found
   * through the segment graph and the GIN index on leads.segments, plus the leads it is already
   * matched with), by enqueueing one `match-lead` per lead through the outbox in batches.
   */
  async rematchAffected(
    payload: JobPayloads['rematch-affected'],
  ): Promise<{ leads: number; stale?: boolean }> {
    const graph = await this.taxonomy.graph();
    let segments: string[] = [];
    if (payload.entity === 'enterprise') {
      const [e] = await this.ds.query(`SELECT segments, needs, version FROM enterprises WHERE id = $1`, [
        payload.id,
      ]);
      if (e && e.version > payload.version) return { leads: 0, stale: true }; // a later job covers it
      if (e) segments = affectedLeadSegments(graph, e.segments, e.needs);
    } else {
      const [p] = await this.ds.query(`SELECT target_segments, version FROM parks WHERE id = $1`, [
        payload.id,
      ]);
      if (p && p.version > payload.version) return { leads: 0, stale: true };
      if (p) {
        // Parks match leads of the same industry too (PARK_TARGET_INDUSTRY).
        const industries = graph.industriesOf(p.target_segments);
        segments = [
          ...new Set([...p.target_segments, ...industries.flatMap((i) => graph.segmentsOfIndustry(i))]),
        ];
      }
    }
    this.candidates.invalidate(payload.entity);
    const column = payload.entity === 'enterprise' ? 'enterprise_id' : 'park_id';
    // The job carries the lead's current match version: matches stored for it predate this change
    // of base data, so the job must not skip them (it skips only matches of a newer version).
    const leads: { id: string; version: number }[] = await this.ds.query(
      `SELECT id, match_version AS version FROM leads
        WHERE stage <> 'lost'
          AND (segments && $1::text[]
               OR id IN (SELECT lead_id FROM matches WHERE ${column} = $2 AND status IN ('proposed', 'accepted')))
        ORDER BY id`,
      [segments, payload.id],
    );
    for (let i = 0; i < leads.length; i += FANOUT_BATCH) {
      const batch = leads.slice(i, i + FANOUT_BATCH);
      await this.ds.transaction((em) =>
        this.outbox.enqueueMany(
          em,
          'match-lead',
          batch.map((l) => ({
            payload: { leadId: l.id, version: l.version },
            // Distinct per base-data version: a completed job for the same match version is kept by
            // BullMQ for a day and would swallow a reused id. BullMQ refuses custom ids with other
            // than exactly three ':'-separated parts, hence '-' after the version.
            dedupeKey: `match-lead:${l.id}:m${l.version}-${payload.entity}-${payload.id}-v${payload.version}`,
          })),
        ),
      );
    }
    return { leads: leads.length };
  }

  /**
   * The `rematch-all` job: every active lead (of one jurisdiction, or all), in batches of
   * REMATCH_BATCH with the worker's configured concurrency, reporting {done, total}.
   */
  async rematchAll(
    payload: JobPayloads['rematch-all'],
    progress: (p: { done: number; total: number }) => Promise<void> = async () => undefined,
  ): Promise<{ done: number; total: number }> {
    this.candidates.invalidate('enterprise');
    this.candidates.invalidate('park');
    const filter = `stage <> 'lost' AND ($1::text IS NULL OR jurisdiction = $1)`;
    const [{ total }] = await this.ds.query(`SELECT count(*)::int AS total FROM leads WHERE ${filter}`, [
      payload.jurisdiction,
    ]);
    await progress({ done: 0, total });
    let done = 0;
    // `concurrency` loops, each taking the next REMATCH_BATCH ids (keyset, read one at a time) and
    // matching them in a transaction of its own on its own connection: no loop waits for a slower
    // batch of another (a page-wide Promise.all did, and left connections idle behind stragglers).
    let after = '00000000-0000-0000-0000-000000000000';
    let reading: Promise<unknown> = Promise.resolve();
    let failed = false;
    const nextBatch = (): Promise<string[]> => {
      const batch = reading.then(async () => {
        if (failed) return [];
        const page: { id: string }[] = await this.ds.query(
          `SELECT id FROM leads WHERE ${filter} AND id > $2 ORDER BY id LIMIT $3`,
          [payload.jurisdiction, after, REMATCH_BATCH],
        );
        if (page.length) after = page[page.length - 1].id;
        return page.map((r) => r.id);
      });
      reading = batch.catch(() => undefined);
      return batch;
    };
    const concurrency = Math.max(1, this.config.workerConcurrency);
    const loops = await Promise.allSettled(
      Array.from({ length: concurrency }, async () => {
        try {
          for (let ids = await nextBatch(); ids.length && !failed; ids = await nextBatch()) {
            const started = performance.now();
            await this.matchLeads(ids.map((leadId) => ({ leadId })));
            const perLead = (performance.now() - started) / 1000 / ids.length;
            for (let i = 0; i < ids.length; i++) matchDuration.observe({ mode: 'bulk' }, perLead);
            done += ids.length;
            await progress({ done, total: Math.max(total, done) });
          }
        } catch (e) {
          failed = true; // the other loops stop after their current batch
          throw e;
        }
      }),
    );
    const failure = loops.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failure) throw failure.reason;
    this.logger.log(`re-matched ${done} leads`);
    return { done, total: Math.max(total, done) };
  }
}

function differs(m: ExistingMatch, p: Produced): boolean {
  return (
    m.score !== p.score ||
    m.rank !== p.rank ||
    (m.relation ?? null) !== (p.relation ?? null) ||
    m.algorithm_version !== ALGORITHM_VERSION ||
    m.reasons_md5 !== reasonsMd5(p.reasons)
  );
}

/**
 * md5 of `reasons` as Postgres prints the jsonb (`md5(reasons::text)`): comparing digests spares
 * reading back and parsing every stored reason on each re-match. jsonb text puts ", " and ": "
 * between items and orders object keys by length, then bytes; strings escape like JSON.stringify.
 */
export function reasonsMd5(reasons: readonly Reason[]): string {
  let text = '[';
  for (let i = 0; i < reasons.length; i++) {
    if (i) text += ', ';
    text += reasonJsonb(reasons[i]);
  }
  return hash('md5', text + ']', 'hex');
}

/** Frozen reasons are shared by many matches (ReasonWriter): their jsonb text is worked out once. */
const reasonTexts = new WeakMap<Reason, string>();
function reasonJsonb(r: Reason): string {
  let text = reasonTexts.get(r);
  if (text !== undefined) return text;
  // The shape every reason has (keys "code", "text", "textEn" in jsonb's order); others generically.
  text =
    Object.keys(r).length === 3 &&
    typeof r.code === 'string' &&
    typeof r.text === 'string' &&
    typeof r.textEn === 'string'
      ? `{"code": ${JSON.stringify(r.code)}, "text": ${JSON.stringify(r.text)}, "textEn": ${JSON.stringify(r.textEn)}}`
      : jsonbText(r);
  if (Object.isFrozen(r)) reasonTexts.set(r, text);
  return text;
}

/** The text Postgres gives for `value::jsonb::text` (strings, booleans, null, arrays, objects, integers). */
export function jsonbText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error('jsonbText: only integers print alike');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => {
    const la = Buffer.byteLength(a);
    const lb = Buffer.byteLength(b);
    return la !== lb ? la - lb : Buffer.compare(Buffer.from(a), Buffer.from(b));
  });
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${jsonbText(v)}`).join(', ')}}`;
}
