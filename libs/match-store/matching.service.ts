import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JobPayloads, JOB_KEYS, LOCKS } from '../jobs/jobs';
import { affectedLeadSegments } from '../matching/chain';
import { EnterpriseCandidate, matchLead } from '../matching/engine';
import { metricsRegistry } from '../platform/metrics';
import { OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { CandidateRepository } from './candidate.repository';
import { MatchStoreRepository } from './match-store.repository';
import {
  MatchInsert,
  MatchUpdate,
  ProducedMatch,
  StoredMatch,
  planMatchStore,
  rejectedTargets,
} from './match-store-plan';
import { sqlRows } from '../db/sql';
import { isArchived } from '../leads/lead-policy';

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
  archived_at: Date | string | null;
}

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
    private readonly store: MatchStoreRepository,
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
      await sqlRows(
        em,
        `SELECT count(pg_advisory_xact_lock(${LOCKS.match('s.id')}))
           FROM (SELECT t.id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) ORDER BY t.n) AS s`,
        [ids],
      );
      const leadRows = await sqlRows<LeadRow>(
        em,
        `SELECT l.id, l.version, l.match_version, COALESCE(s.matched_version, 0) AS matched_version,
                l.jurisdiction, l.segments, l.land_need_mu, l.stage, l.planned_investment_wan,
                l.archived_at
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
        else if (l.stage === 'lost' || isArchived(l)) frozen.push(l.id);
        else leads.push(l);
      }
      if (frozen.length) {
        outcome.skippedLost = frozen.length;
        await sqlRows(
          em,
          `UPDATE lead_match_state s SET matched_version = l.match_version
             FROM leads l WHERE l.id = s.lead_id AND s.lead_id = ANY($1::uuid[])`,
          [frozen],
        );
      }
      if (!leads.length) return;
      const leadIds = leads.map((l) => l.id);

      const byLead = await this.store.storedOf(em, leadIds);

      const rejectedOf = (leadId: string, kind: StoredMatch['kind']) =>
        rejectedTargets(byLead.get(leadId) ?? [], kind);
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

      const inserts: MatchInsert[] = [];
      const updates: MatchUpdate[] = [];
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
        const produced: ProducedMatch[] = [
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
        const plan = planMatchStore(lead, mine, produced);
        inserts.push(...plan.inserts);
        updates.push(...plan.updates);
      }

      const written = await this.store.write(em, leads, inserts, updates);
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
      const [e] = await sqlRows(this.ds, `SELECT segments, needs, version FROM enterprises WHERE id = $1`, [
        payload.id,
      ]);
      if (e && e.version > payload.version) return { leads: 0, stale: true }; // a later job covers it
      if (e) segments = affectedLeadSegments(graph, e.segments, e.needs);
    } else {
      const [p] = await sqlRows(this.ds, `SELECT target_segments, version FROM parks WHERE id = $1`, [
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
    const leads = await sqlRows<{ id: string; version: number }>(
      this.ds,
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
            dedupeKey: JOB_KEYS.matchLeadAfter(l.id, l.version, payload.entity, payload.id, payload.version),
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
    const [{ total }] = await sqlRows(this.ds, `SELECT count(*)::int AS total FROM leads WHERE ${filter}`, [
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
        const page = await sqlRows<{ id: string }>(
          this.ds,
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
