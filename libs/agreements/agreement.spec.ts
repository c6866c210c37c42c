import { AGREEMENT_ACTIONS, AGREEMENT_STATUSES, AgreementKind, agreementTransition } from './agreement';
import { AgreementRegistry } from './agreement-registry';

describe('agreementTransition: the state machine of DESIGN §14', () => {
  it.each([
    ['accept', 'decider', 'accepted'],
    ['decline', 'decider', 'declined'],
    ['withdraw', 'proposer', 'withdrawn'],
  ] as const)('pending + %s by the %s → %s', (action, side, status) => {
    expect(agreementTransition('pending', action, side)).toEqual({ ok: true, status });
  });

  it.each([
    ['accept', 'proposer', 'AGREEMENT_NOT_YOURS_TO_DECIDE'],
    ['decline', 'proposer', 'AGREEMENT_NOT_YOURS_TO_DECIDE'],
    ['withdraw', 'decider', 'AGREEMENT_NOT_YOURS_TO_WITHDRAW'],
  ] as const)('pending + %s by the %s → 403 %s', (action, side, code) => {
    expect(agreementTransition('pending', action, side)).toMatchObject({ ok: false, http: 403, code });
  });

  it('never moves an agreement that is decided or withdrawn (409), whoever asks', () => {
    for (const status of AGREEMENT_STATUSES.filter((s) => s !== 'pending'))
      for (const action of AGREEMENT_ACTIONS)
        for (const side of ['proposer', 'decider'] as const)
          expect(agreementTransition(status, action, side)).toMatchObject({
            ok: false,
            http: 409,
            code: 'AGREEMENT_NOT_PENDING',
          });
  });
});

describe('AgreementRegistry', () => {
  const kind = (name: string): AgreementKind<{ n: number }> => ({
    kind: name,
    subjectEntity: 'thing',
    proposers: ['manager'],
    deciders: ['manager'],
    prepare: async (_em, _ctx, _id, change) => ({ change, decidingJurisdiction: 'mianyang' }),
    apply: async () => undefined,
  });

  it('holds each kind once and refuses an unknown one', () => {
    const registry = new AgreementRegistry();
    registry.register(kind('b.thing'));
    registry.register(kind('a.thing'));
    expect(registry.list()).toEqual(['a.thing', 'b.thing']);
    expect(registry.get('a.thing').subjectEntity).toBe('thing');
    expect(() => registry.register(kind('a.thing'))).toThrow(/twice/);
    expect(() => registry.get('nope')).toThrow(/not registered/);
  });
});
