/** Lead stages and the allowed moves, mirroring DESIGN.md §6 (the server stays the judge: 409 lists its allowed moves). */
export const FORWARD_STAGES = [
  'lead',
  'contacted',
  'visited',
  'negotiating',
  'signed',
  'registered',
  'started',
  'operating',
] as const;
export const STAGES = [...FORWARD_STAGES, 'on_hold', 'lost'] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** Next stages a user may pick for a lead now at `stage`. */
export function allowedMoves(
  stage: Stage,
  opts: { resumeStage?: Stage | null; manager?: boolean } = {},
): Stage[] {
  if (stage === 'lost') return opts.manager ? ['lead'] : [];
  if (stage === 'on_hold') {
    // on_hold resumes to the stage it left, and only there.
    return opts.resumeStage && (FORWARD_STAGES as readonly string[]).includes(opts.resumeStage)
      ? [opts.resumeStage]
      : [];
  }
  const at = FORWARD_STAGES.indexOf(stage);
  const forward = FORWARD_STAGES.slice(at + 1);
  return [...forward, 'on_hold', 'lost'];
}

export function canMove(
  from: Stage,
  to: Stage,
  opts: { resumeStage?: Stage | null; manager?: boolean } = {},
) {
  return allowedMoves(from, opts).includes(to);
}
