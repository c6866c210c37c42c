import type { Jurisdiction } from '../common/request-context';
import { num } from '../enterprises/base-data';
import type { LeadStage } from '../leads/lead-stage';
import { EnterpriseCandidate, PartnerLink, Relation, leadChain, partnerLinks } from '../matching/engine';
import { ReasonWriter, localizeReason } from '../matching/reasons';
import type { EdgeStrength, TaxonomyGraph } from '../taxonomy/taxonomy';

/**
 * Joint promotion events (平台共享: 推介会, 对接会, DESIGN §16) as plain data and pure rules:
 * the event as the API shows it, the outcome arithmetic and the invitee suggestions (the chain
 * links of the matching engine, DESIGN §10; no second copy of chain logic).
 */
export const EVENT_KINDS = ['promotion', 'matchmaking', 'expo', 'forum', 'visit'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const INVITEE_STATUSES = ['invited', 'registered', 'attended', 'declined'] as const;
export type InviteeStatus = (typeof INVITEE_STATUSES)[number];
/** The agreement kind that makes the partner city a co-host (DESIGN §14, §16). */
export const EVENT_COHOST = 'event.cohost';

export interface Invitee {
  /** The enterprise of the base data, or null for a guest named only by `name`. */
  enterpriseId: string | null;
  name: string;
  status: InviteeStatus;
}

export interface PromotionEvent {
  id: string;
  title: string;
  kind: EventKind;
  hosts: Jurisdiction[];
  startsAt: string;
  endsAt: string;
  venue: string;
  city: string;
  focusSegments: string[];
  invitees: Invitee[];
  budgetWan: number | null;
  summary: string;
  /** The co-hosting agreement waiting on the other city, if any. */
  pendingCohostAgreementId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const EVENT_FIELDS = [
  'title',
  'kind',
  'hosts',
  'startsAt',
  'endsAt',
  'venue',
  'city',
  'focusSegments',
  'invitees',
  'budgetWan',
  'summary',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];
export type EventValues = Pick<PromotionEvent, EventField>;

export interface EventRow {
  id: string;
  title: string;
  kind: EventKind;
  hosts: Jurisdiction[];
  created_by_jurisdiction: Jurisdiction;
  starts_at: Date | string;
  ends_at: Date | string;
  venue: string;
  city: string;
  focus_segments: string[];
  invitees: Invitee[];
  budget_wan: string | number | null;
  summary: string;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  pending_cohost_agreement_id?: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

/**
 * Both cities read every event (DESIGN §16, the agreement's 平台共享: the cities host events for
 * each other and jointly); only a host city changes one. The changes feed and the API share this.
 */
export function toEvent(r: EventRow): PromotionEvent {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    hosts: r.hosts,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    venue: r.venue,
    city: r.city,
    focusSegments: r.focus_segments,
    invitees: r.invitees ?? [],
    budgetWan: num(r.budget_wan),
    summary: r.summary,
    pendingCohostAgreementId: r.pending_cohost_agreement_id ?? null,
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export const isHost = (e: Pick<PromotionEvent, 'hosts'>, j: Jurisdiction) => e.hosts.includes(j);

/** Stages in order along the main path (DESIGN §6); `on_hold` and `lost` are off it. */
export const MAIN_PATH: readonly LeadStage[] = [
  'lead',
  'contacted',
  'visited',
  'negotiating',
  'signed',
  'registered',
  'started',
  'operating',
];

export interface OutcomeLead {
  stage: LeadStage;
  /** The stage an on_hold lead left (it got that far). */
  resumeStage: LeadStage | null;
  signedAt: string | null;
  contractAmountWan: number | null;
  fundsInPlaceWan: number;
}

export interface EventOutcomes {
  leads: number;
  /** Leads by their current stage. */
  byStage: Partial<Record<LeadStage, number>>;
  /** Leads that got at least this far along the main path (an on_hold lead: as far as it got). */
  reached: Record<string, number>;
  /** Leads that signed (have a signing day, DESIGN §6). */
  signed: number;
  /** 签约额 of the signed ones, 万元. */
  contractAmountWan: number;
  /** 到位资金 of the signed ones, 万元. */
  fundsInPlaceWan: number;
  budgetWan: number | null;
  /** budgetWan / signed; null without a budget or without a signed deal. */
  costPerSignedWan: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** What an event brought (DESIGN §16): leads, how far they got, money of the signed ones, cost per deal. */
export function eventOutcomes(leads: readonly OutcomeLead[], budgetWan: number | null): EventOutcomes {
  const byStage: Partial<Record<LeadStage, number>> = {};
  const reached: Record<string, number> = Object.fromEntries(MAIN_PATH.map((s) => [s, 0]));
  let signed = 0;
  let contract = 0;
  let funds = 0;
  for (const l of leads) {
    byStage[l.stage] = (byStage[l.stage] ?? 0) + 1;
    const at = l.stage === 'on_hold' ? (l.resumeStage ?? 'lead') : l.stage === 'lost' ? 'lead' : l.stage;
    const depth = Math.max(0, MAIN_PATH.indexOf(at));
    for (let i = 0; i <= depth; i++) reached[MAIN_PATH[i]]++;
    if (l.signedAt) {
      signed++;
      contract += l.contractAmountWan ?? 0;
      funds += l.fundsInPlaceWan;
    }
  }
  return {
    leads: leads.length,
    byStage,
    reached,
    signed,
    contractAmountWan: round2(contract),
    fundsInPlaceWan: round2(funds),
    budgetWan,
    costPerSignedWan: budgetWan !== null && signed > 0 ? round2(budgetWan / signed) : null,
  };
}

export interface InviteeSuggestion {
  enterpriseId: string;
  name: string;
  jurisdiction: string;
  chainLeader: boolean;
  relation: Relation;
  strength: EdgeStrength;
  reasons: { code: string; text: string }[];
}

/**
 * The segments whose makers are directly up or down the chain of the focus segments (one edge),
 * for the candidate query; enterprises that declare a need for a focus segment come on top.
 */
export function suggestionSegments(graph: TaxonomyGraph, focus: readonly string[]): string[] {
  const out: string[] = [];
  for (const [segment, links] of leadChain(graph, focus)) {
    if (links.upstream?.kind === 'direct' || links.downstream?.kind === 'direct') out.push(segment);
  }
  return out.sort();
}

/**
 * Suggested invitees (DESIGN §16): enterprises of both cities directly upstream or downstream of
 * the focus segments (a chain edge, or a declared need for a focus segment), chain leaders first,
 * then core links before supporting ones, then by name. Peers (only sharing a focus segment),
 * links through two hops and unrelated enterprises are never suggested. Each carries the reason
 * the matching engine writes for that link.
 */
export function suggestInvitees(
  graph: TaxonomyGraph,
  focus: readonly string[],
  enterprises: readonly EnterpriseCandidate[],
  locale: 'zh-CN' | 'en',
  opts: { exclude?: Iterable<string>; limit: number },
): InviteeSuggestion[] {
  if (!focus.length) return [];
  const writer = new ReasonWriter(graph);
  const chain = leadChain(graph, focus);
  const own = new Set(focus);
  const excluded = new Set(opts.exclude ?? []);
  const out: (InviteeSuggestion & { weight: number })[] = [];
  for (const e of enterprises) {
    if (excluded.has(e.id)) continue;
    const links = partnerLinks(graph, chain, own, e);
    const direct = [links.upstream, links.downstream].filter(
      (l): l is PartnerLink => !!l && l.kind !== 'twoHop',
    );
    if (!direct.length) continue;
    const best = direct.reduce((a, b) => (b.weight > a.weight ? b : a));
    const reasons = [writer.link(best), writer.linkKind(best)];
    if (e.chainLeader) reasons.push(writer.chainLeader());
    out.push({
      enterpriseId: e.id,
      name: e.name,
      jurisdiction: e.jurisdiction,
      chainLeader: e.chainLeader,
      relation: best.relation,
      strength: best.strength,
      weight: best.weight,
      reasons: reasons.map((r) => localizeReason(r, locale)),
    });
  }
  out.sort(
    (a, b) =>
      Number(b.chainLeader) - Number(a.chainLeader) ||
      b.weight - a.weight ||
      a.name.localeCompare(b.name, 'zh-CN') ||
      (a.enterpriseId < b.enterpriseId ? -1 : 1),
  );
  return out.slice(0, opts.limit).map(({ weight: _w, ...s }) => s);
}
