import type { EntityManager } from 'typeorm';
import type { Jurisdiction, RequestContext, Role } from '../common/request-context';

/**
 * Agreements (双方确认, DESIGN §14): a change that binds both cities takes effect only when the
 * other city accepts it. The mechanism is generic; each kind of change registers how it is
 * checked, who decides it and how it is applied (AgreementRegistry).
 */
export const AGREEMENT_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export const AGREEMENT_ACTIONS = ['accept', 'decline', 'withdraw'] as const;
export type AgreementAction = (typeof AGREEMENT_ACTIONS)[number];

/** Which side of an agreement the caller is on. */
export type AgreementSide = 'proposer' | 'decider';

export type Transition =
  { ok: true; status: AgreementStatus } | { ok: false; http: 403 | 409; code: string; message: string };

/**
 * The state machine: only a pending agreement moves; the other city accepts or declines it, the
 * proposing city withdraws it. Every other move is refused (409 once decided, 403 for the wrong
 * side).
 */
export function agreementTransition(
  status: AgreementStatus,
  action: AgreementAction,
  side: AgreementSide,
): Transition {
  if (status !== 'pending')
    return {
      ok: false,
      http: 409,
      code: 'AGREEMENT_NOT_PENDING',
      message: `This agreement is already ${status}`,
    };
  if (action === 'withdraw') {
    return side === 'proposer'
      ? { ok: true, status: 'withdrawn' }
      : {
          ok: false,
          http: 403,
          code: 'AGREEMENT_NOT_YOURS_TO_WITHDRAW',
          message: 'Only the proposing city withdraws an agreement; decline it instead',
        };
  }
  if (side !== 'decider')
    return {
      ok: false,
      http: 403,
      code: 'AGREEMENT_NOT_YOURS_TO_DECIDE',
      message: 'The other city decides this agreement; you may withdraw it',
    };
  return { ok: true, status: action === 'accept' ? 'accepted' : 'declined' };
}

/** An agreement as stored, with its typed change. */
export interface AgreementRecord<C = unknown> {
  id: string;
  kind: string;
  subjectEntity: string;
  subjectId: string;
  proposedByJurisdiction: Jurisdiction;
  proposedByUser: string | null;
  decidingJurisdiction: Jurisdiction;
  jurisdictions: Jurisdiction[];
  change: C;
  note: string | null;
  status: AgreementStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * One kind of agreement. `C` is the shape of its `change` (what takes effect on acceptance).
 * Both hooks run inside the transaction of the proposal or of the acceptance, so the change, its
 * audit entries and its events commit with the agreement's own status or not at all.
 */
export interface AgreementKind<C = unknown> {
  readonly kind: string;
  /** The entity the agreement is about (`collision`, `park`, …). */
  readonly subjectEntity: string;
  /** Roles of the proposing city that may propose it. */
  readonly proposers: readonly Role[];
  /** Roles of the other city that may accept or decline it. */
  readonly deciders: readonly Role[];
  /**
   * Checks a proposal against the subject as it is now (locking it as needed) and returns the
   * change to store and the city that must decide. Throws the 4xx the caller should see.
   */
  prepare(
    em: EntityManager,
    ctx: RequestContext,
    subjectId: string,
    change: C,
  ): Promise<{ change: C; decidingJurisdiction: Jurisdiction }>;
  /** Applies an accepted change, with its audit entries and events; `ctx` is the decider. */
  apply(em: EntityManager, ctx: RequestContext, agreement: AgreementRecord<C>): Promise<void>;
}
