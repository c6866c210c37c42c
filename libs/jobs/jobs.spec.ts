import { JOB_NAMES, JOB_QUEUE, SCHEDULES, assertHandlersComplete, bullJobId, validatePayload } from './jobs';

describe('job registry', () => {
  it('maps every job to a queue', () => {
    for (const n of JOB_NAMES) expect(JOB_QUEUE[n]).toBeTruthy();
  });

  it('refuses to start with a job that has no handler', () => {
    expect(() => assertHandlersComplete({ 'match-lead': async () => undefined })).toThrow(/rematch-affected/);
  });

  it('accepts a complete set of handlers', () => {
    const all = Object.fromEntries(JOB_NAMES.map((n) => [n, async () => undefined]));
    expect(() => assertHandlersComplete(all)).not.toThrow();
  });

  it('validates payloads read back from Redis', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(validatePayload('match-lead', { leadId: id, version: 2 })).toEqual({ leadId: id, version: 2 });
    expect(() => validatePayload('match-lead', { leadId: 'x', version: 2 })).toThrow(/invalid payload/);
    expect(() => validatePayload('deliver-webhook', {})).toThrow(/invalid payload/);
  });

  it('accepts only an empty payload for the scheduled sweep, and schedules it', () => {
    expect(validatePayload('match-sweep', {})).toEqual({});
    expect(() => validatePayload('match-sweep', { leadId: 'x' })).toThrow(/invalid payload/);
    expect(SCHEDULES.map((s) => [s.job, s.repeat({ matchSweepMs: 60_000 })])).toEqual([
      ['match-sweep', { every: 60_000 }],
      ['notify-daily', { pattern: '30 8 * * *', tz: 'Asia/Shanghai' }],
    ]);
  });

  it('turns dedupe keys into job ids BullMQ accepts', () => {
    const key = 'match-lead:00000000-0000-4000-8000-000000000001:m3-abc';
    expect(bullJobId(key)).toBe(key);
    expect(bullJobId('dispatch-event:1:2:3')).toBe('dispatch-event|1|2|3');
    expect(bullJobId('plain')).toBe('plain');
  });
});
