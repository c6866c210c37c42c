import { hash } from 'crypto';
import { ALGORITHM_VERSION } from '../matching/engine';
import type { Reason } from '../matching/reasons';

/**
 * What the match store keeps when a lead is matched again (DESIGN §10), as a pure plan:
 * - a new match is inserted `proposed`;
 * - an accepted match stays accepted (its score, rank and reasons follow the new computation);
 * - a rejected match is never resurrected (the engine excludes its target; if produced anyway, untouched);
 * - a withdrawn match produced again is proposed again (and announced like a new one);
 * - a proposal no longer produced is withdrawn; accepted and rejected ones are never dropped;
 * - a match whose values and status are unchanged is not written (no version bump).
 * MatchingService runs the plan in one statement.
 */

/** A stored match as the planner reads it. */
export interface StoredMatch {
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

export interface ProducedMatch {
  kind: 'partner' | 'park';
  target: string;
  relation: string | null;
  score: number;
  rank: number;
  reasons: Reason[];
}

/** A new match to insert, proposed. */
export type MatchInsert = ProducedMatch & { leadId: string; leadVersion: number; jurisdiction: string };

export interface MatchUpdate {
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

/** The targets of a lead's rejected matches of one kind: the engine leaves them out. */
export function rejectedTargets(stored: readonly StoredMatch[], kind: StoredMatch['kind']): string[] {
  return stored.filter((m) => m.kind === kind && m.status === 'rejected').map((m) => m.target);
}

/** The writes that bring one lead's stored matches to what the engine produced. */
export function planMatchStore(
  lead: { id: string; version: number; jurisdiction: string },
  stored: readonly StoredMatch[],
  produced: readonly ProducedMatch[],
  algorithmVersion: string = ALGORITHM_VERSION,
): { inserts: MatchInsert[]; updates: MatchUpdate[] } {
  const inserts: MatchInsert[] = [];
  const updates: MatchUpdate[] = [];
  const byKey = new Map(stored.map((m) => [`${m.kind}|${m.target}`, m]));
  const producedKeys = new Set<string>();
  for (const p of produced) {
    const key = `${p.kind}|${p.target}`;
    producedKeys.add(key);
    const m = byKey.get(key);
    if (!m) {
      inserts.push({
        ...p,
        leadId: lead.id,
        leadVersion: lead.version,
        jurisdiction: lead.jurisdiction,
      });
      continue;
    }
    if (m.status === 'rejected') continue; // never resurrected (the engine excludes it anyway)
    const status = m.status === 'accepted' ? 'accepted' : 'proposed';
    if (status === m.status && !differs(m, p, algorithmVersion)) continue;
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
  for (const m of stored) {
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

  return { inserts, updates };
}

function differs(m: StoredMatch, p: ProducedMatch, algorithmVersion: string): boolean {
  return (
    m.score !== p.score ||
    m.rank !== p.rank ||
    (m.relation ?? null) !== (p.relation ?? null) ||
    m.algorithm_version !== algorithmVersion ||
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
