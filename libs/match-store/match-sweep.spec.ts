import { SweepCandidate, algorithmRematchJobId, needsRequeue } from './match-sweep';

describe('needsRequeue (the sweep’s rule)', () => {
  const behind: SweepCandidate = {
    leadId: '00000000-0000-4000-8000-000000000001',
    queuedKey: 'match-lead:00000000-0000-4000-8000-000000000001:m2-abc',
    missingState: false,
    onItsWay: false,
  };

  it('leaves a job alone that will still run', () => {
    for (const state of ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'])
      expect(needsRequeue(behind, state)).toBe(false);
  });

  it('re-queues when the job finished, failed or is gone while the lead is still behind', () => {
    for (const state of ['completed', 'failed', 'unknown', null])
      expect(needsRequeue(behind, state)).toBe(true);
  });

  it('never questions a job still on its way (just queued, or in the outbox while Redis is away)', () => {
    expect(needsRequeue({ ...behind, onItsWay: true }, null)).toBe(false);
    expect(needsRequeue({ ...behind, onItsWay: true }, 'completed')).toBe(false);
  });

  it('always queues a lead without any match state', () => {
    expect(needsRequeue({ ...behind, queuedKey: null, missingState: true }, null)).toBe(true);
  });
});

describe('algorithmRematchJobId', () => {
  it('is an all-cities re-match id the status endpoint accepts, one per algorithm version', () => {
    const id = algorithmRematchJobId('chain-2026.12.1');
    expect(id).toMatch(/^rematch-all:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:all$/);
    expect(algorithmRematchJobId('chain-2026.12.1')).toBe(id);
    expect(algorithmRematchJobId('chain-2027.01.1')).not.toBe(id);
  });
});
