import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqlRows } from '../db/sql';
import { DomainEvent, EventsService } from '../events/events.service';
import { JobPayloads } from '../jobs/jobs';
import { affectedLeadSegments, candidateLists } from '../matching/chain';
import {
  ALGORITHM_VERSION,
  EnterpriseCandidate,
  MAX_PARTNERS,
  boundCandidates,
  matchLead,
} from '../matching/engine';
import type { Reason } from '../matching/reasons';
import { metricsRegistry } from '../platform/metrics';
import { OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { CandidateRepository, listKey } from './candidate.repository';

export const matchDuration = new Histogram({
  name: 'liancheng_match_duration_seconds',
  help: 'Time to compute and store the matches of one lead (database reads and writes included)',
  labelNames: ['mode'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [metricsRegistry],
});

/** Leads per transaction when re-matching in bulk. */
export const REMATCH_BATCH = 100;
/** Leads enqueued per outbox transaction by rematch-affected. */
const FANOUT_BATCH = 500;

export interface MatchRequest {
  leadId: string;
  /** The lead version the job was made for; older than the lead's current version → stale, skipped. */
  version?: number;
}

export interface MatchOutcome {
  matched: number;
  skippedStale: number;
  skippedMissing: number;
  proposed: number;
  withdrawn: number;
}

interface LeadRow {
  id: string;
  version: number;
  jurisdiction: string;
  segments: string[];
  land_need_mu: string | null;
}

interface ExistingMatch {
  id: string;
  lead_id: string;
  kind: 'partner' | 'park';
  target: string;
  relation: string | null;
  score: number;
  rank: number;
  reasons: Reason[];
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
  reasons: Reason[];
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
 * The match store and the job handlers' logic (issue 4 §3–4). Every write path is idempotent:
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
    private readonly events: EventsService,
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
      await em.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('lc:match:' || id::text, 0))
           FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) ORDER BY n`,
        [ids],
      );
      const leadRows: LeadRow[] = await em.query(
        `SELECT id, version, jurisdiction, segments, land_need_mu FROM leads WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const leads: LeadRow[] = [];
      const found = new Set(leadRows.map((l) => l.id));
      outcome.skippedMissing = ids.filter((id) => !found.has(id)).length;
      for (const l of leadRows) {
        const v = wantedVersion.get(l.id);
        if (v !== undefined && v < l.version) outcome.skippedStale++;
        else leads.push(l);
      }
      if (!leads.length) return;
      const leadIds = leads.map((l) => l.id);

      const existing: ExistingMatch[] = await em.query(
        `SELECT id, lead_id, kind, COALESCE(enterprise_id, park_id) AS target, relation, score, rank, reasons,
                status, version, algorithm_version
           FROM matches WHERE lead_id = ANY($1::uuid[])`,
        [leadIds],
      );
      const byLead = new Map<string, ExistingMatch[]>();
      for (const m of existing) (byLead.get(m.lead_id) ?? byLead.set(m.lead_id, []).get(m.lead_id)!).push(m);

      // One candidate query for the whole batch: the union of the leads' lists.
      const lists = new Map(leads.map((l) => [l.id, candidateLists(graph, l.segments)]));
      const makes = new Set<string>();
      const needs = new Set<string>();
      for (const c of lists.values()) {
        c.makes.forEach((s) => makes.add(s));
        c.needs.forEach((s) => needs.add(s));
      }
      const maxRejected = Math.max(
        0,
        ...leads.map(
          (l) =>
            (byLead.get(l.id) ?? []).filter((m) => m.kind === 'partner' && m.status === 'rejected').length,
        ),
      );
      const pool = await this.candidates.lists(em, [...makes], [...needs], MAX_PARTNERS + maxRejected);
      const rejectedOf = (leadId: string, kind: string) =>
        (byLead.get(leadId) ?? [])
          .filter((m) => m.kind === kind && m.status === 'rejected')
          .map((m) => m.target);
      // Bound each lead's candidates from the index entries, then read only the survivors' rows.
      const bounded = new Map(
        leads.map((l) => [
          l.id,
          boundCandidates(
            graph,
            { id: l.id, jurisdiction: l.jurisdiction, segments: l.segments },
            (role, segment) => pool.get(listKey(role, segment)) ?? [],
            new Set(rejectedOf(l.id, 'partner')),
          ),
        ]),
      );
      const rows = await this.candidates.enterprises(em, [
        ...new Set([...bounded.values()].flatMap((list) => list.map((e) => e.id))),
      ]);

      const inserts: (Produced & { leadId: string; leadVersion: number; jurisdiction: string })[] = [];
      const updates: UpdateRow[] = [];
      for (const lead of leads) {
        const mine = byLead.get(lead.id) ?? [];
        const excludedPartners = rejectedOf(lead.id, 'partner');
        const enterprises = bounded
          .get(lead.id)!
          .map((e) => rows.get(e.id))
          .filter((e): e is EnterpriseCandidate => !!e);
        const result = matchLead({
          graph,
          lead: {
            id: lead.id,
            jurisdiction: lead.jurisdiction,
            segments: lead.segments,
            landNeedMu: lead.land_need_mu === null ? null : Number(lead.land_need_mu),
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
            reasons: m.reasons,
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

      const events: DomainEvent[] = [];
      if (inserts.length) {
        const rows = await sqlRows<{ id: string; lead_id: string; kind: string }>(
          em,
          `INSERT INTO matches (lead_id, kind, enterprise_id, park_id, relation, score, rank, reasons,
                                status, algorithm_version, lead_version)
           SELECT t.lead_id, t.kind,
                  CASE WHEN t.kind = 'partner' THEN t.target END,
                  CASE WHEN t.kind = 'park' THEN t.target END,
                  t.relation, t.score, t.rank, t.reasons, 'proposed', $9, t.lead_version
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::float8[], $6::int[], $7::jsonb[], $8::int[])
                  AS t(lead_id, kind, target, relation, score, rank, reasons, lead_version)
           ON CONFLICT DO NOTHING
           RETURNING id, lead_id, kind`,
          [
            inserts.map((i) => i.leadId),
            inserts.map((i) => i.kind),
            inserts.map((i) => i.target),
            inserts.map((i) => i.relation),
            inserts.map((i) => i.score),
            inserts.map((i) => i.rank),
            inserts.map((i) => JSON.stringify(i.reasons)),
            inserts.map((i) => i.leadVersion),
            ALGORITHM_VERSION,
          ],
        );
        const jurisdictionOf = new Map(leads.map((l) => [l.id, l.jurisdiction]));
        for (const r of rows)
          events.push(proposedEvent(r.id, 1, jurisdictionOf.get(r.lead_id)!, r.lead_id, r.kind));
        outcome.proposed += rows.length;
      }
      if (updates.length) {
        const rows = await sqlRows<{ id: string; version: number }>(
          em,
          `UPDATE matches m
              SET score = t.score, rank = t.rank, reasons = t.reasons, relation = t.relation, status = t.status,
                  lead_version = t.lead_version, algorithm_version = $9, computed_at = now(),
                  version = m.version + 1
             FROM unnest($1::uuid[], $2::float8[], $3::int[], $4::jsonb[], $5::text[], $6::text[], $7::int[], $8::int[])
                  AS t(id, score, rank, reasons, relation, status, lead_version, version)
            WHERE m.id = t.id AND m.version = t.version
           RETURNING m.id, m.version`,
          [
            updates.map((u) => u.id),
            updates.map((u) => u.score),
            updates.map((u) => u.rank),
            updates.map((u) => JSON.stringify(u.reasons)),
            updates.map((u) => u.relation),
            updates.map((u) => u.status),
            updates.map((u) => u.leadVersion),
            updates.map((u) => u.version),
            ALGORITHM_VERSION,
          ],
        );
        const newVersion = new Map(rows.map((r) => [r.id, r.version]));
        for (const u of updates) {
          if (!newVersion.has(u.id)) continue;
          if (u.status === 'withdrawn') outcome.withdrawn++;
          if (u.reproposed) {
            events.push(proposedEvent(u.id, newVersion.get(u.id)!, u.jurisdiction, u.leadId, u.kind));
            outcome.proposed++;
          }
        }
      }
      await em.query(
        `INSERT INTO lead_match_state (lead_id, matched_version, algorithm_version, computed_at)
         SELECT t.id, t.v, $3, now() FROM unnest($1::uuid[], $2::int[]) AS t(id, v)
         ON CONFLICT (lead_id) DO UPDATE
           SET matched_version = EXCLUDED.matched_version, algorithm_version = EXCLUDED.algorithm_version,
               computed_at = EXCLUDED.computed_at`,
        [leadIds, leads.map((l) => l.version), ALGORITHM_VERSION],
      );
      await this.events.recordMany(em, events);
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
    const leads: { id: string; version: number }[] = await this.ds.query(
      `SELECT id, version FROM leads
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
            // Distinct per base-data version: a completed job for the same lead version is kept by
            // BullMQ for a day and would swallow a reused id. BullMQ refuses custom ids with other
            // than exactly three ':'-separated parts, hence '-' after the version.
            dedupeKey: `match-lead:${l.id}:v${l.version}-${payload.entity}-${payload.id}-v${payload.version}`,
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
    let after = '00000000-0000-0000-0000-000000000000';
    const concurrency = Math.max(1, this.config.workerConcurrency);
    for (;;) {
      const page: { id: string }[] = await this.ds.query(
        `SELECT id FROM leads WHERE ${filter} AND id > $2 ORDER BY id LIMIT $3`,
        [payload.jurisdiction, after, REMATCH_BATCH * concurrency],
      );
      if (!page.length) break;
      after = page[page.length - 1].id;
      const batches: string[][] = [];
      for (let i = 0; i < page.length; i += REMATCH_BATCH)
        batches.push(page.slice(i, i + REMATCH_BATCH).map((r) => r.id));
      await Promise.all(
        batches.map(async (ids) => {
          const started = performance.now();
          await this.matchLeads(ids.map((leadId) => ({ leadId })));
          const perLead = (performance.now() - started) / 1000 / ids.length;
          for (let i = 0; i < ids.length; i++) matchDuration.observe({ mode: 'bulk' }, perLead);
        }),
      );
      done += page.length;
      await progress({ done: Math.min(done, Math.max(total, done)), total: Math.max(total, done) });
    }
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
    reasonsKey(m.reasons) !== reasonsKey(p.reasons)
  );
}

/** Key-order-independent (jsonb reorders object keys). */
function reasonsKey(reasons: Reason[]): string {
  return JSON.stringify((reasons ?? []).map((r) => [r.code, r.text, r.textEn]));
}

function proposedEvent(
  id: string,
  version: number,
  jurisdiction: string,
  leadId: string,
  kind: string,
): DomainEvent {
  return {
    type: 'match.proposed',
    entity: 'match',
    entityId: id,
    entityVersion: version,
    jurisdiction,
    detail: { leadId, kind },
  };
}
