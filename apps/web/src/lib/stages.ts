/**
 * Lead stages and the allowed moves: the server's own stage machine (libs/leads/lead-stage.ts,
 * DESIGN §6), so the board offers exactly the moves the server accepts (it stays the judge: a 409
 * lists its allowed moves).
 */
import {
  LEAD_STAGES,
  PIPELINE_STAGES,
  allowedNextStages,
  isLeadStage,
  type LeadStage,
} from '../../../../libs/leads/lead-stage';

export const FORWARD_STAGES = PIPELINE_STAGES;
export const STAGES = LEAD_STAGES;
export type Stage = LeadStage;

export const isStage = isLeadStage;

/** Next stages a user may pick for a lead now at `stage`. */
export function allowedMoves(
  stage: Stage,
  opts: { resumeStage?: Stage | null; manager?: boolean } = {},
): Stage[] {
  return allowedNextStages(stage, { resumeStage: opts.resumeStage, isManager: opts.manager });
}

export function canMove(
  from: Stage,
  to: Stage,
  opts: { resumeStage?: Stage | null; manager?: boolean } = {},
) {
  return allowedMoves(from, opts).includes(to);
}
