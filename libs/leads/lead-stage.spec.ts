import {
  LEAD_STAGES,
  LeadStage,
  PIPELINE_STAGES,
  allowedNextStages,
  checkTransition,
  resumeStageAfter,
} from './lead-stage';

/**
 * The exhaustive table of DESIGN §6: every from × to pair, for an officer and a manager, and for
 * on_hold every possible resume stage. The expectation is written out independently of the
 * implementation (by pipeline position), not derived from allowedNextStages.
 */
const pos = (s: LeadStage) => (PIPELINE_STAGES as readonly string[]).indexOf(s);

function expected(from: LeadStage, to: LeadStage, resume: LeadStage | null, manager: boolean): boolean {
  if (pos(from) >= 0) {
    if (to === 'on_hold' || to === 'lost') return true;
    return pos(to) > pos(from);
  }
  if (from === 'on_hold') return resume !== null && pos(resume) >= 0 && to === resume;
  return manager && to === 'lead';
}

describe('lead stage machine (DESIGN §6)', () => {
  const cases: [LeadStage, LeadStage, LeadStage | null, boolean][] = [];
  for (const from of LEAD_STAGES)
    for (const to of LEAD_STAGES)
      for (const manager of [false, true]) {
        const resumes: (LeadStage | null)[] = from === 'on_hold' ? [...PIPELINE_STAGES, null] : [null];
        for (const resume of resumes) cases.push([from, to, resume, manager]);
      }

  it('covers every pair', () => {
    expect(cases.length).toBe(9 * 10 * 2 + 10 * 2 * 9 /* on_hold × 9 resume values */);
  });

  it.each(cases)('%s → %s (resume %s, manager %s)', (from, to, resume, manager) => {
    const want = expected(from, to, resume, manager);
    const got = checkTransition(from, to, { resumeStage: resume, isManager: manager });
    expect(got.ok).toBe(want);
    if (!got.ok) {
      expect(got.allowed).toEqual(allowedNextStages(from, { resumeStage: resume, isManager: manager }));
      expect(got.allowed).not.toContain(to);
    }
  });

  it('lists the allowed next stages in pipeline order', () => {
    expect(allowedNextStages('lead')).toEqual([
      'contacted',
      'visited',
      'negotiating',
      'signed',
      'registered',
      'started',
      'operating',
      'on_hold',
      'lost',
    ]);
    expect(allowedNextStages('signed')).toEqual(['registered', 'started', 'operating', 'on_hold', 'lost']);
    expect(allowedNextStages('operating')).toEqual(['on_hold', 'lost']);
    expect(allowedNextStages('on_hold', { resumeStage: 'visited' })).toEqual(['visited']);
    expect(allowedNextStages('on_hold', { resumeStage: null })).toEqual([]);
    expect(allowedNextStages('on_hold', { resumeStage: 'lost' })).toEqual([]);
    expect(allowedNextStages('lost')).toEqual([]);
    expect(allowedNextStages('lost', { isManager: true })).toEqual(['lead']);
  });

  it('never allows a backward move or standing still', () => {
    for (const from of PIPELINE_STAGES)
      for (const to of PIPELINE_STAGES)
        if (pos(to) <= pos(from)) expect(checkTransition(from, to, { isManager: true }).ok).toBe(false);
  });

  it('remembers the stage left when going on hold, and forgets it otherwise', () => {
    expect(resumeStageAfter('negotiating', 'on_hold')).toBe('negotiating');
    expect(resumeStageAfter('on_hold', 'negotiating')).toBeNull();
    expect(resumeStageAfter('lead', 'signed')).toBeNull();
    expect(resumeStageAfter('signed', 'lost')).toBeNull();
  });
});
