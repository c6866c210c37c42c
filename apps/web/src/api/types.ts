/** Domain shapes of DESIGN.md §4 and §11, as the UI uses them. */
import type { Stage } from '../lib/stages';

export type Jurisdiction = 'beibei' | 'mianyang';
export type ChainStage = 'upstream' | 'midstream' | 'downstream';

export interface Industry {
  code: string;
  name: string;
  nameEn: string;
}
export interface Segment {
  code: string;
  industry: string;
  stage: ChainStage;
  name: string;
  nameEn: string;
}
export type EdgeStrength = 'core' | 'supporting';
export interface ChainEdge {
  from: string;
  to: string;
  strength: EdgeStrength;
  reason: string;
  reasonEn: string;
}
export interface Taxonomy {
  industries: Industry[];
  segments: Segment[];
  edges: ChainEdge[];
}

export interface Contact {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
}

export interface Lead {
  id: string;
  title: string;
  investor: {
    name?: string | null;
    uscc?: string | null;
    enterpriseId?: string | null;
    country?: string | null;
  };
  summary?: string | null;
  segments: string[];
  industries?: string[];
  plannedInvestmentWan?: number | null;
  landNeedMu?: number | null;
  expectedJobs?: number | null;
  stage: Stage;
  resumeStage?: Stage | null;
  jurisdiction: Jurisdiction;
  ownerId: string | null;
  ownerName?: string | null;
  sharing: 'private' | 'shared';
  confidential: boolean;
  codeName?: string | null;
  source?: string;
  nextActionAt?: string | null;
  contacts?: Contact[];
  /** Written by the owner for the partner city (DESIGN §5). */
  partnerSummary?: string | null;
  /** Milestone facts (DESIGN §6); days as YYYY-MM-DD. */
  signedAt?: string | null;
  contractAmountWan?: number | null;
  projectUscc?: string | null;
  startedAt?: string | null;
  operatingAt?: string | null;
  fundsInPlace?: FundsEntry[];
  fundsInPlaceWan?: number;
  /** Set when a manager archived the lead. */
  archivedAt?: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An active user of the manager's city, to give leads to. */
export interface Assignee {
  id: string;
  username: string;
  displayName: string;
  role: string;
}

/** 到位资金: one entry of funds actually in place. */
export interface FundsEntry {
  at: string;
  amountWan: number;
  note?: string;
}

export interface CollisionHit {
  id: string;
  otherJurisdiction: Jurisdiction;
  basis: 'uscc' | 'name';
  similarity: number;
  firstReportedBy: Jurisdiction;
}

export interface Activity {
  id: string;
  leadId: string;
  type: string;
  occurredAt: string;
  summary: string;
  authorId?: string | null;
  authorName?: string | null;
  jurisdiction: Jurisdiction;
  fromStage?: Stage | null;
  toStage?: Stage | null;
  /** Text and author withheld: the owner city's activity on a confidential lead (DESIGN §5). */
  redacted?: boolean;
}

export interface Reason {
  code: string;
  text: string;
}

export interface PartnerMatch {
  id: string;
  enterpriseId: string;
  name: string;
  jurisdiction: Jurisdiction;
  relation: 'upstream' | 'downstream';
  /** Strength of the chain link the partner is proposed for (null: stored before strengths). */
  strength?: EdgeStrength | null;
  score: number;
  reasons: Reason[];
  status: string;
}
export interface ParkMatch {
  id: string;
  parkId: string;
  name: string;
  coBuilt: boolean;
  score: number;
  reasons: Reason[];
  status: string;
}
export interface LeadMatches {
  status: 'pending' | 'ready';
  computedAt: string | null;
  partners: PartnerMatch[];
  parks: ParkMatch[];
}

export interface MatchItem {
  id: string;
  leadId: string;
  leadTitle: string;
  leadJurisdiction: Jurisdiction;
  kind: 'partner' | 'park';
  enterpriseId?: string | null;
  parkId?: string | null;
  targetName: string;
  relation?: string | null;
  strength?: EdgeStrength | null;
  score: number;
  reasons: Reason[];
  status: string;
  jurisdiction?: Jurisdiction;
  decisionNote?: string | null;
}

/** GET /collisions item: the caller's own lead, and what it may see of the other one (§5). */
export interface Collision {
  id: string;
  basis: 'uscc' | 'name';
  similarity: number;
  firstReportedBy: Jurisdiction;
  status: 'open' | 'joint' | 'yielded' | 'dismissed';
  yieldedBy?: Jurisdiction | null;
  note?: string | null;
  version: number;
  createdAt?: string;
  mine: { leadId: string; stage: Stage; title: string };
  other: { jurisdiction: Jurisdiction; stage: Stage; leadId?: string | null; title?: string | null };
  /** A proposed joint / dismissed resolution waiting for the other city (双方确认). */
  pendingAgreement?: {
    id: string;
    resolution: 'joint' | 'dismissed';
    proposedBy: Jurisdiction;
    waitingOnMe: boolean;
    note?: string | null;
    createdAt: string;
  } | null;
}

/** GET /duplicates item: two active leads of the caller's city for one investor. */
export interface Duplicate {
  id: string;
  basis: 'uscc' | 'name';
  similarity: number;
  status: 'open' | 'merged' | 'dismissed';
  note?: string | null;
  createdAt: string;
  older: DuplicateLead;
  newer: DuplicateLead;
}
export interface DuplicateLead {
  leadId: string;
  title: string;
  investorName: string;
  stage: Stage;
  createdAt: string;
  activities: number;
}

/** GET /agreements item (DESIGN §14). */
export interface Agreement {
  id: string;
  kind: string;
  subject: { entity: string; id: string };
  proposedBy: { jurisdiction: Jurisdiction; userId?: string | null };
  decidingJurisdiction: Jurisdiction;
  change: Record<string, unknown>;
  note?: string | null;
  status: 'pending' | 'accepted' | 'declined' | 'withdrawn';
  waitingOnMe: boolean;
  decisionNote?: string | null;
  createdAt: string;
}

export interface Enterprise {
  id: string;
  name: string;
  uscc?: string | null;
  jurisdiction: Jurisdiction;
  segments: string[];
  needs?: string[];
  chainLeader: boolean;
  revenueWan?: number | null;
  employees?: number | null;
  address?: string | null;
  tags?: string[];
  version: number;
}

export interface Park {
  id: string;
  name: string;
  jurisdictions: Jurisdiction[];
  coBuilt: boolean;
  targetSegments: string[];
  availableLandMu?: number | null;
  factorySpaceSqm?: number | null;
  incentives?: string | null;
  version: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditEntry {
  id: string;
  action: string;
  entity: string;
  entityId: string;
  changes: Record<string, { before: unknown; after: unknown }>;
  actor?: {
    type: 'user' | 'api_key' | 'system';
    id: string | null;
    name: string | null;
    displayName?: string | null;
    jurisdiction?: string | null;
  };
  actorName?: string;
  requestId?: string;
  createdAt?: string;
  at?: string;
  [key: string]: unknown;
}

export interface PipelineRow {
  jurisdiction?: string;
  industry?: string;
  stage?: string;
  leads: number;
  plannedInvestmentWan: number;
  contractAmountWan?: number;
  fundsInPlaceWan?: number;
}

export type DueState = 'overdue' | 'today' | 'later' | 'none';
export interface InboxLead {
  id: string;
  title: string;
  investorName: string;
  stage: string;
  plannedInvestmentWan: number;
  nextActionAt: string | null;
  updatedAt: string;
  due: DueState;
}
export interface Inbox {
  myLeads: { overdue: number; dueToday: number; total: number; items: InboxLead[] };
  collisions: { count: number };
  agreements: { count: number };
  matches: { count: number };
}

/** Joint promotion events (DESIGN §16). */
export type EventKind = 'promotion' | 'matchmaking' | 'expo' | 'forum' | 'visit';
export type InviteeStatus = 'invited' | 'registered' | 'attended' | 'declined';
export interface Invitee {
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
  pendingCohostAgreementId: string | null;
  version: number;
}
export interface InviteeSuggestion {
  enterpriseId: string;
  name: string;
  jurisdiction: Jurisdiction;
  chainLeader: boolean;
  relation: 'upstream' | 'downstream';
  strength: EdgeStrength;
  reasons: { code: string; text: string }[];
}
export interface EventOutcomes {
  eventId: string;
  leads: number;
  byStage: Record<string, number>;
  reached: Record<string, number>;
  signed: number;
  contractAmountWan: number;
  fundsInPlaceWan: number;
  budgetWan: number | null;
  costPerSignedWan: number | null;
  visibleLeads: {
    id: string;
    title: string;
    jurisdiction: Jurisdiction;
    stage: string;
    contractAmountWan: number | null;
    fundsInPlaceWan: number;
  }[];
}
