import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqlRows } from '../db/sql';
import { bullJobId } from '../jobs/jobs';
import { ALGORITHM_VERSION } from '../matching/engine';
import { OUTBOX_CHANNEL, OUTBOX_INSERT } from '../outbox/outbox.service';
import { QUEUE_REGISTRY, QueueRegistry } from '../platform/queues';
import { JOB_KEYS } from '../jobs/jobs';

/** Leads the sweep looks at in one run (a backlog larger than this is taken over several runs). */
const SWEEP_BATCH = 2_000;

/** BullMQ states in which a job will still run. */
const WILL_RUN = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

export interface SweepCandidate {
  leadId: string;
  /** The key of the match job last queued for the lead (null: none, or no state at all). */
  queuedKey: string | null;
  /** No match state row at all. */
  missingState: boolean;
  /** Queued within the grace period, or still in the outbox: on its way, not questioned. */
  onItsWay: boolean;
}

export interface SweepOutcome {
  /** Leads whose matches were missing or out of date with no job that will still run. */
  found: number;
  /** Leads behind their match version (pending) when the sweep looked. */
  behind: number;
  /** Whether this run queued the one re-match of every open lead a new algorithm version asks for. */
  rematchQueued: boolean;
}

/**
 * The job id of the re-match a new algorithm version asks for: `rematch-all:<uuid>:all` like an
 * operator's, with a uuid derived from the version, so that it is queued once per version.
 */
export function algorithmRematchJobId(version: string): string {
  const h = createHash('sha256').update(`algorithm:${version}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return JOB_KEYS.rematchAll(uuid, 'all');
}

/**
 * Whether a lead behind its match version needs a new job: not when its job is still on its way
 * (just queued, or waiting in the outbox while Redis is away) or will still run in BullMQ. A
 * finished, failed or vanished job (Redis flushed or replaced, a worker of another database took
 * it, attempts used up while Postgres was down) leaves the lead behind for good: re-queue.
 */
export function needsRequeue(c: SweepCandidate, jobState: string | null): boolean {
  if (c.missingState) return true;
  if (c.onItsWay) return false;
  return jobState === null || !WILL_RUN.has(jobState);
}

/**
 * The periodic sweep (DESIGN §12): a BullMQ job scheduler runs it in the worker about every
 * MATCH_SWEEP_MS. It finds leads whose matches are missing or older than their matching inputs
 * (`lead_match_state.matched_version < queued_version`, a partial index, plus leads without a
 * state row) with no job that will still run, and queues a job for each through the outbox, in
 * one transaction with the state it records. Idempotent: a second run finds the jobs the first
 * one queued on their way. Counts go to `matching_sweep` for /metrics (served by the API).
 */
@Injectable()
export class MatchSweep {
  private readonly logger = new Logger(MatchSweep.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<SweepOutcome> {
    const graceMs = Math.floor(this.config.matchSweepMs / 2);
    const rows = await sqlRows<{
      lead_id: string;
      queued_key: string | null;
      missing_state: boolean;
      on_its_way: boolean;
    }>(
      this.ds,
      `WITH behind AS (
         SELECT s.lead_id, s.queued_key, false AS missing_state,
                s.queued_at > now() - make_interval(secs => $1::float8 / 1000) AS recent
           FROM lead_match_state s JOIN leads l ON l.id = s.lead_id
          WHERE s.matched_version < s.queued_version AND s.matched_version < l.match_version
          ORDER BY s.lead_id LIMIT $2),
       stateless AS (
         SELECT l.id AS lead_id, NULL::text AS queued_key, true AS missing_state, false AS recent
           FROM leads l WHERE NOT EXISTS (SELECT 1 FROM lead_match_state s WHERE s.lead_id = l.id)
          ORDER BY l.id LIMIT $2)
       SELECT c.lead_id, c.queued_key, c.missing_state,
              c.recent OR EXISTS (SELECT 1 FROM outbox o
                                   WHERE o.relayed_at IS NULL AND o.dedupe_key = c.queued_key) AS on_its_way
         FROM (SELECT * FROM behind UNION ALL SELECT * FROM stateless) c`,
      [graceMs, SWEEP_BATCH],
    );
    const candidates: SweepCandidate[] = rows.map((r) => ({
      leadId: r.lead_id,
      queuedKey: r.queued_key,
      missingState: r.missing_state,
      onItsWay: r.on_its_way,
    }));
    const asked = candidates.filter((c) => !c.missingState && !c.onItsWay && c.queuedKey);
    const queue = this.queues.queueFor('match-lead');
    const states = new Map<string, string>(
      await Promise.all(
        asked.map(
          async (c) => [c.leadId, await queue.getJobState(bullJobId(c.queuedKey!))] as [string, string],
        ),
      ),
    );
    const due = candidates.filter((c) => needsRequeue(c, states.get(c.leadId) ?? null));
    const found = due.length ? await this.requeue(due) : 0;
    const rematchQueued = await this.rematchForNewAlgorithm();
    const [stats] = await sqlRows<{ behind: number }>(
      this.ds,
      `WITH s AS (
         UPDATE matching_sweep SET runs = runs + 1, found_total = found_total + $1, last_found = $1,
                last_run_at = now()
          WHERE id = 1)
       SELECT count(*)::int AS behind FROM lead_match_state WHERE matched_version < queued_version`,
      [found],
    );
    if (found) this.logger.warn(`match sweep: re-queued ${found} lead(s) whose match job was lost`);
    return { found, behind: stats.behind, rematchQueued };
  }

  /**
   * A new matching algorithm (ALGORITHM_VERSION) re-matches every open lead once, by itself
   * (DESIGN §10: managers' decisions are kept): the first run under a version it has not checked
   * yet looks for an open lead whose matches another version computed and, if there is one, queues
   * a `rematch-all` through the outbox, keyed by the version. Later runs only read one row.
   */
  private async rematchForNewAlgorithm(): Promise<boolean> {
    const key = algorithmRematchJobId(ALGORITHM_VERSION);
    const [row] = await sqlRows<{ queued: boolean }>(
      this.ds,
      `WITH claim AS (
         UPDATE matching_sweep SET algorithm_version = $1
          WHERE id = 1 AND algorithm_version IS DISTINCT FROM $1
         RETURNING 1),
       outdated AS (
         SELECT 1 FROM lead_match_state s JOIN leads l ON l.id = s.lead_id
          WHERE EXISTS (SELECT 1 FROM claim) AND l.stage <> 'lost' AND s.computed_at IS NOT NULL
            AND s.algorithm_version IS DISTINCT FROM $1
          LIMIT 1),
       queued AS (
         ${OUTBOX_INSERT}
         SELECT 'rematch-all', $2, '{"requestedBy": null, "jurisdiction": null}'::jsonb
          WHERE EXISTS (SELECT 1 FROM outdated) AND NOT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = $2)
         RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM queued) AS queued`,
      [ALGORITHM_VERSION, key],
    );
    if (row.queued) {
      await sqlRows(this.ds, `SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      this.logger.log(
        `matching algorithm ${ALGORITHM_VERSION} is new here: re-matching every open lead (${key})`,
      );
    }
    return row.queued;
  }

  /**
   * Queues a job for each lead that is still behind when the transaction looks again (a job that
   * finished in between, or another sweep, wins: the key guard), with the state row that records
   * it, in one statement. Returns how many were queued.
   */
  private async requeue(due: SweepCandidate[]): Promise<number> {
    const items = due.map((c) => ({
      id: c.leadId,
      old_key: c.queuedKey,
      missing: c.missingState,
      token: randomBytes(6).toString('hex'),
    }));
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `WITH want AS (
         SELECT w.id, w.old_key, w.missing, l.match_version,
                'match-lead:' || w.id || ':m' || l.match_version || '-sweep' || w.token AS key
           FROM jsonb_to_recordset($1::jsonb) AS w(id uuid, old_key text, missing boolean, token text)
           JOIN leads l ON l.id = w.id
          ORDER BY w.id),
       upd AS (
         UPDATE lead_match_state s
            SET queued_version = w.match_version, queued_key = w.key, queued_at = now()
           FROM want w
          WHERE NOT w.missing AND s.lead_id = w.id AND s.queued_key IS NOT DISTINCT FROM w.old_key
            AND s.matched_version < w.match_version
         RETURNING s.lead_id, s.queued_version, s.queued_key),
       ins AS (
         INSERT INTO lead_match_state (lead_id, matched_version, queued_version, queued_key, queued_at)
         SELECT w.id, 0, w.match_version, w.key, now() FROM want w WHERE w.missing
         ON CONFLICT (lead_id) DO NOTHING
         RETURNING lead_id, queued_version, queued_key),
       queued AS (
         ${OUTBOX_INSERT}
         SELECT 'match-lead', q.queued_key, jsonb_build_object('leadId', q.lead_id, 'version', q.queued_version)
           FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) q
         RETURNING 1)
       SELECT count(*)::int AS n, (SELECT pg_notify($2, '') FROM queued LIMIT 1) AS notified FROM queued`,
      [JSON.stringify(items), OUTBOX_CHANNEL],
    );
    return row.n;
  }
}
