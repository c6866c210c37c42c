import type { FieldError } from '../common/errors';
import { PIPELINE_STAGES, isPipelineStage } from './lead-stage';
import type { LeadStage } from './lead-stage';

/**
 * Milestones carry facts (DESIGN §6), as pure functions: what the joint leading group counts
 * (签约额 contract amount, 到位资金 funds in place) must be on a lead that claims the milestone.
 *
 * - `signed` needs `signedAt` and `contractAmountWan`; `registered` the local project company's
 *   `projectUscc`; `started` `startedAt`; `operating` `operatingAt`.
 * - A lead at a pipeline stage has the facts of that milestone and of every milestone before it,
 *   however it got there (created past `lead`, skipping forward, pushed by a partner system). An
 *   `on_hold` lead answers for the stage it will resume; a `lost` one for nothing.
 * - The facts may come with the request or already be on the lead; what is missing is refused
 *   with 422 naming every missing field.
 * - Funds in place are entries over time `{at, amountWan, note?}`, recorded once the lead is
 *   signed; the lead shows their sum.
 * Plain TypeScript without imports from Nest: the web UI uses the same file to know which facts
 * to ask for (apps/web/src/lib/milestones.ts).
 */
export const MILESTONE_FACTS = {
  signed: ['signedAt', 'contractAmountWan'],
  registered: ['projectUscc'],
  started: ['startedAt'],
  operating: ['operatingAt'],
} as const satisfies Partial<Record<LeadStage, readonly string[]>>;

export type MilestoneStage = keyof typeof MILESTONE_FACTS;
export type MilestoneFact = (typeof MILESTONE_FACTS)[MilestoneStage][number];
export const MILESTONE_FACT_FIELDS: readonly MilestoneFact[] = Object.values(MILESTONE_FACTS).flat();

export interface FundsEntry {
  /** The day the money arrived (YYYY-MM-DD). */
  at: string;
  amountWan: number;
  note?: string;
}

/** The milestone facts of a lead, as the API names them (null: not recorded). */
export type MilestoneFacts = {
  [F in MilestoneFact]: F extends 'contractAmountWan' ? number | null : string | null;
};

/** A lead with no milestone facts recorded. */
export const NO_FACTS: MilestoneFacts = {
  signedAt: null,
  contractAmountWan: null,
  projectUscc: null,
  startedAt: null,
  operatingAt: null,
};

/** Upper bounds, as for the other money fields (lead.dto LIMITS). */
export const FACT_LIMITS = { amountWan: 1e9, fundsEntries: 500, fundsNote: 500 };

/** The stage whose milestones a lead must have the facts of (null: none). */
function claimedStage(stage: LeadStage, resumeStage: LeadStage | null | undefined): LeadStage | null {
  if (stage === 'on_hold') return resumeStage ?? null;
  return isPipelineStage(stage) ? stage : null;
}

/** The facts a lead in `stage` must carry: those of every milestone up to and including it. */
export function requiredFacts(stage: LeadStage, resumeStage?: LeadStage | null): MilestoneFact[] {
  const at = claimedStage(stage, resumeStage);
  if (!at || !isPipelineStage(at)) return [];
  const index = PIPELINE_STAGES.indexOf(at);
  return (Object.keys(MILESTONE_FACTS) as MilestoneStage[])
    .filter((m) => PIPELINE_STAGES.indexOf(m) <= index)
    .flatMap((m) => [...MILESTONE_FACTS[m]]);
}

export function missingFacts(
  stage: LeadStage,
  resumeStage: LeadStage | null | undefined,
  facts: Partial<MilestoneFacts>,
): MilestoneFact[] {
  return requiredFacts(stage, resumeStage).filter((f) => facts[f] === null || facts[f] === undefined);
}

/** Whether the lead has been signed (funds in place are recorded from then on). */
export function isSigned(facts: Partial<MilestoneFacts>): boolean {
  return !!facts.signedAt;
}

/** The message a missing fact gets, naming the milestone that needs it. */
export function missingFactMessage(fact: MilestoneFact): string {
  const stage = (Object.keys(MILESTONE_FACTS) as MilestoneStage[]).find((m) =>
    (MILESTONE_FACTS[m] as readonly string[]).includes(fact),
  );
  return `is required to enter ${stage} (DESIGN §6)`;
}

/** The field errors of a lead's milestone facts, for the HTTP 422 and for a sync item's errors. */
export function factErrors(
  stage: LeadStage,
  resumeStage: LeadStage | null | undefined,
  facts: Partial<MilestoneFacts>,
  funds: readonly FundsEntry[],
): FieldError[] {
  const errors: FieldError[] = missingFacts(stage, resumeStage, facts).map((field) => ({
    field,
    message: missingFactMessage(field),
  }));
  if (funds.length && !isSigned(facts))
    errors.push({
      field: 'fundsInPlace',
      message: 'funds in place are recorded once the lead is signed (signedAt)',
    });
  return errors;
}

/** Entries in one shape and key order ({at, amountWan, note?}, notes trimmed, empty notes dropped). */
export function normaliseFunds(
  funds: readonly { at: string; amountWan: number; note?: string | null }[],
): FundsEntry[] {
  return funds.map((e) => {
    const note = typeof e.note === 'string' ? e.note.trim() : '';
    return { at: e.at, amountWan: Number(e.amountWan), ...(note ? { note } : {}) };
  });
}

/** The milestone facts stored on a lead row. */
export function factsOfRow(row: {
  signed_at: string | null;
  contract_amount_wan: string | number | null;
  project_uscc: string | null;
  started_at: string | null;
  operating_at: string | null;
}): MilestoneFacts {
  return {
    signedAt: row.signed_at ?? null,
    contractAmountWan:
      row.contract_amount_wan === null || row.contract_amount_wan === undefined
        ? null
        : Number(row.contract_amount_wan),
    projectUscc: row.project_uscc ?? null,
    startedAt: row.started_at ?? null,
    operatingAt: row.operating_at ?? null,
  };
}

/** The sum of the entries (万元, to the cent, as Postgres sums the numerics). */
export function fundsTotal(funds: readonly FundsEntry[]): number {
  const cents = funds.reduce((sum, e) => sum + Math.round(Number(e.amountWan) * 100), 0);
  return cents / 100;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date `YYYY-MM-DD` between 1970 and today (China time, one day of slack for clocks
 * and time zones): a milestone or a payment that has happened. Returns the error message, or null.
 */
export function checkFactDate(value: unknown, now = Date.now()): string | null {
  if (typeof value !== 'string') return 'must be a date YYYY-MM-DD';
  const m = ISO_DATE.exec(value);
  if (!m) return 'must be a date YYYY-MM-DD';
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (
    d.getUTCFullYear() !== Number(m[1]) ||
    d.getUTCMonth() !== Number(m[2]) - 1 ||
    d.getUTCDate() !== Number(m[3])
  )
    return 'is not a calendar date';
  if (Number(m[1]) < 1970) return 'must be after 1970';
  if (t > now + 8 * 3600_000 + 24 * 3600_000) return 'must not be in the future';
  return null;
}

/** An amount in 万元: a finite number ≥ 0 with at most two decimals, within FACT_LIMITS. */
export function checkAmount(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (value < 0 || value > FACT_LIMITS.amountWan) return `must be between 0 and ${FACT_LIMITS.amountWan}`;
  if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6) return 'must have at most two decimals';
  return null;
}

/**
 * Validates and normalises funds entries (trimmed note, no empty note, known keys only).
 * `errors` name the offending entry (`fundsInPlace[2].at`).
 */
export function readFunds(
  raw: unknown,
  field = 'fundsInPlace',
): { funds: FundsEntry[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (raw === undefined || raw === null) return { funds: [], errors };
  if (!Array.isArray(raw)) return { funds: [], errors: [{ field, message: 'must be an array of entries' }] };
  if (raw.length > FACT_LIMITS.fundsEntries)
    return { funds: [], errors: [{ field, message: `at most ${FACT_LIMITS.fundsEntries} entries` }] };
  const funds: FundsEntry[] = [];
  raw.forEach((e, i) => {
    const at = `${field}[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      errors.push({ field: at, message: 'must be an object {at, amountWan, note?}' });
      return;
    }
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!['at', 'amountWan', 'note'].includes(k))
        errors.push({ field: `${at}.${k}`, message: 'unknown field' });
    const dateError = checkFactDate(o.at);
    if (dateError) errors.push({ field: `${at}.at`, message: dateError });
    const amountError = checkAmount(o.amountWan);
    if (amountError) errors.push({ field: `${at}.amountWan`, message: amountError });
    let note: string | undefined;
    if (o.note !== undefined && o.note !== null) {
      if (typeof o.note !== 'string') errors.push({ field: `${at}.note`, message: 'must be a string' });
      else if (o.note.length > FACT_LIMITS.fundsNote)
        errors.push({ field: `${at}.note`, message: `must be at most ${FACT_LIMITS.fundsNote} characters` });
      else if (o.note.trim()) note = o.note.trim();
    }
    funds.push({ at: o.at as string, amountWan: o.amountWan as number, ...(note ? { note } : {}) });
  });
  return { funds: errors.length ? [] : funds, errors };
}
