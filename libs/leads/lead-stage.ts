/**
 * The lead stage machine of DESIGN §6, as pure functions (STYLE: "pure core, thin shell").
 *
 * Rules:
 * - the pipeline `lead → contacted → visited → negotiating → signed → registered → started →
 *   operating` only moves forward, and may skip stages (a partner system can report a deal that is
 *   already signed);
 * - every pipeline ("active") stage, `operating` included, may go to `on_hold` or `lost`;
 * - `on_hold` resumes only to the stage it left (kept in `leads.resume_stage`); nothing else;
 * - `lost` is final, except that a manager (or admin) may reopen it to `lead`;
 * - staying in the same stage is not a transition.
 * A lead is created in a pipeline stage (default `lead`); it cannot be created `on_hold` or `lost`.
 */
export const PIPELINE_STAGES = [
  'lead',
  'contacted',
  'visited',
  'negotiating',
  'signed',
  'registered',
  'started',
  'operating',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export const LEAD_STAGES = [...PIPELINE_STAGES, 'on_hold', 'lost'] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

/**
 * How each stage is named, Chinese first then English: the web UI's labels (DESIGN §6 names the
 * stages in Chinese; 注册落地 is the project company registered locally).
 */
export const LEAD_STAGE_LABELS: Readonly<Record<LeadStage, readonly [zh: string, en: string]>> = {
  lead: ['线索', 'Lead'],
  contacted: ['接洽', 'Contacted'],
  visited: ['考察', 'Visited'],
  negotiating: ['洽谈', 'Negotiating'],
  signed: ['签约', 'Signed'],
  registered: ['注册落地', 'Registered'],
  started: ['开工', 'Started'],
  operating: ['投产', 'Operating'],
  on_hold: ['搁置', 'On hold'],
  lost: ['流失', 'Lost'],
};

/** Stages a lead may be created in. */
export const INITIAL_STAGES: readonly LeadStage[] = PIPELINE_STAGES;

/** Whether a new lead may start in `stage`: any pipeline stage (DESIGN §6), not on hold or lost. */
export function isInitialStage(stage: string): boolean {
  return (INITIAL_STAGES as readonly string[]).includes(stage);
}

export interface TransitionOptions {
  /** The stage an `on_hold` lead left (leads.resume_stage). */
  resumeStage?: string | null;
  /** Managers and admins may reopen a lost lead. */
  isManager?: boolean;
}

export function isLeadStage(s: unknown): s is LeadStage {
  return typeof s === 'string' && (LEAD_STAGES as readonly string[]).includes(s);
}

export function isPipelineStage(s: unknown): s is PipelineStage {
  return typeof s === 'string' && (PIPELINE_STAGES as readonly string[]).includes(s);
}

/** The stages `from` may move to, in pipeline order. */
export function allowedNextStages(from: LeadStage, opts: TransitionOptions = {}): LeadStage[] {
  if (isPipelineStage(from)) {
    const i = PIPELINE_STAGES.indexOf(from);
    return [...PIPELINE_STAGES.slice(i + 1), 'on_hold', 'lost'];
  }
  if (from === 'on_hold') {
    return isPipelineStage(opts.resumeStage) ? [opts.resumeStage] : [];
  }
  // lost
  return opts.isManager ? ['lead'] : [];
}

export type TransitionCheck = { ok: true } | { ok: false; allowed: LeadStage[] };

export function checkTransition(
  from: LeadStage,
  to: LeadStage,
  opts: TransitionOptions = {},
): TransitionCheck {
  const allowed = allowedNextStages(from, opts);
  return allowed.includes(to) ? { ok: true } : { ok: false, allowed };
}

/** What `resume_stage` holds after a move: the stage left when going on hold, otherwise nothing. */
export function resumeStageAfter(from: LeadStage, to: LeadStage): LeadStage | null {
  return to === 'on_hold' ? from : null;
}
