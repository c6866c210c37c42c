import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sqlRows } from '../db/sql';
import { EVENT_INSERT, dispatchRowsSql } from '../events/events.service';
import { ALGORITHM_VERSION } from '../matching/engine';
import { OUTBOX_CHANNEL, OUTBOX_INSERT } from '../outbox/outbox.service';
import type { MatchInsert, MatchUpdate, StoredMatch } from './match-store-plan';

/** A lead being matched, as the store records its state. */
export interface MatchedLead {
  id: string;
  version: number;
  match_version: number;
  jurisdiction: string;
}

/** Reads and writes of the match store (`matches`, `lead_match_state`); the rules are in match-store-plan.ts. */
@Injectable()
export class MatchStoreRepository {
  /** The stored matches of the leads, per lead id. */
  async storedOf(em: EntityManager, leadIds: string[]): Promise<Map<string, StoredMatch[]>> {
    const rows = await sqlRows<StoredMatch>(
      em,
      `SELECT id, lead_id, kind, COALESCE(enterprise_id, park_id) AS target, relation, score, rank,
              md5(reasons::text) AS reasons_md5, status, version, algorithm_version
         FROM matches WHERE lead_id = ANY($1::uuid[])`,
      [leadIds],
    );
    const byLead = new Map<string, StoredMatch[]>();
    for (const m of rows) (byLead.get(m.lead_id) ?? byLead.set(m.lead_id, []).get(m.lead_id)!).push(m);
    return byLead;
  }

  /**
   * Runs the plans of a batch of leads and records the leads' matched versions. Returns how many
   * matches were proposed (new or again) and withdrawn.
   */
  async write(
    em: EntityManager,
    leads: MatchedLead[],
    inserts: MatchInsert[],
    updates: MatchUpdate[],
  ): Promise<{ proposed: number; withdrawn: number }> {
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
      JSON.stringify(leads.map((l) => ({ id: l.id, v: l.version, mv: l.match_version, j: l.jurisdiction }))),
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
         ${EVENT_INSERT}
         SELECT 'match.proposed', 'match', p.id, p.version, l.j,
                jsonb_build_object('leadId', p.lead_id, 'kind', p.kind)
           FROM proposed p JOIN jsonb_to_recordset(${state}::jsonb) AS l(id uuid, j text) ON l.id = p.lead_id
         RETURNING id, type, detail)`);
      ctes.push(`queued AS (
         ${OUTBOX_INSERT} ${dispatchRowsSql('ev')}
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
    return written;
  }
}
