import {
  NO_FACTS,
  checkAmount,
  checkFactDate,
  factErrors,
  fundsTotal,
  missingFacts,
  normaliseFunds,
  readFunds,
  requiredFacts,
} from './lead-milestones';

describe('milestone facts (DESIGN §6)', () => {
  it('needs the facts of every milestone up to the stage, none before signing or when lost', () => {
    expect(requiredFacts('negotiating')).toEqual([]);
    expect(requiredFacts('signed')).toEqual(['signedAt', 'contractAmountWan']);
    expect(requiredFacts('registered')).toEqual(['signedAt', 'contractAmountWan', 'projectUscc']);
    expect(requiredFacts('operating')).toEqual([
      'signedAt',
      'contractAmountWan',
      'projectUscc',
      'startedAt',
      'operatingAt',
    ]);
    expect(requiredFacts('lost')).toEqual([]);
  });

  it('holds an on_hold lead to the stage it resumes to', () => {
    expect(requiredFacts('on_hold', 'started')).toEqual(requiredFacts('started'));
    expect(requiredFacts('on_hold', 'visited')).toEqual([]);
    expect(requiredFacts('on_hold', null)).toEqual([]);
  });

  it('names what is missing, counting a present 0 as present', () => {
    expect(
      missingFacts('registered', null, { ...NO_FACTS, signedAt: '2026-01-01', contractAmountWan: 0 }),
    ).toEqual(['projectUscc']);
    expect(factErrors('signed', null, NO_FACTS, [])).toEqual([
      { field: 'signedAt', message: 'is required to enter signed (DESIGN §6)' },
      { field: 'contractAmountWan', message: 'is required to enter signed (DESIGN §6)' },
    ]);
  });

  it('records funds in place only once signed', () => {
    const funds = [{ at: '2026-01-02', amountWan: 5 }];
    expect(factErrors('negotiating', null, NO_FACTS, funds)).toEqual([
      { field: 'fundsInPlace', message: expect.stringMatching(/signed/) },
    ]);
    expect(
      factErrors('signed', null, { ...NO_FACTS, signedAt: '2026-01-01', contractAmountWan: 9 }, funds),
    ).toEqual([]);
  });

  it('accepts calendar days that have happened, in China time', () => {
    const now = Date.parse('2026-06-30T20:00:00Z'); // already 1 July in China
    expect(checkFactDate('2026-07-01', now)).toBeNull();
    expect(checkFactDate('2026-02-29', now)).toBe('is not a calendar date');
    expect(checkFactDate('2024-02-29', now)).toBeNull();
    expect(checkFactDate('2026-07-03', now)).toBe('must not be in the future');
    expect(checkFactDate('1969-12-31', now)).toBe('must be after 1970');
    expect(checkFactDate('2026-7-1', now)).toBe('must be a date YYYY-MM-DD');
    expect(checkFactDate(20260701, now)).toBe('must be a date YYYY-MM-DD');
  });

  it('checks amounts: non-negative, bounded, to the cent', () => {
    expect(checkAmount(0)).toBeNull();
    expect(checkAmount(12.34)).toBeNull();
    expect(checkAmount(12.345)).toMatch(/two decimals/);
    expect(checkAmount(-1)).toMatch(/between/);
    expect(checkAmount(1e10)).toMatch(/between/);
    expect(checkAmount(Number.NaN)).toBe('must be a number');
  });

  it('reads funds entries, naming the offending entry and key', () => {
    expect(
      readFunds([
        { at: '2026-01-02', amountWan: 1.5, note: '  首期 ' },
        { at: '2026-01-03', amountWan: 2, note: ' ' },
      ]),
    ).toEqual({
      funds: [
        { at: '2026-01-02', amountWan: 1.5, note: '首期' },
        { at: '2026-01-03', amountWan: 2 },
      ],
      errors: [],
    });
    expect(readFunds([{ at: 'x', amountWan: 1, colour: 'red' }, 'no']).errors).toEqual([
      { field: 'fundsInPlace[0].colour', message: 'unknown field' },
      { field: 'fundsInPlace[0].at', message: 'must be a date YYYY-MM-DD' },
      { field: 'fundsInPlace[1]', message: 'must be an object {at, amountWan, note?}' },
    ]);
    expect(readFunds({}).errors).toEqual([{ field: 'fundsInPlace', message: 'must be an array of entries' }]);
  });

  it('sums to the cent, and normalises the shape', () => {
    expect(
      fundsTotal([
        { at: 'a', amountWan: 0.1 },
        { at: 'b', amountWan: 0.2 },
      ]),
    ).toBe(0.3);
    expect(
      normaliseFunds([
        { at: 'a', amountWan: 1, note: '' },
        { at: 'b', amountWan: 2, note: null },
      ]),
    ).toEqual([
      { at: 'a', amountWan: 1 },
      { at: 'b', amountWan: 2 },
    ]);
  });
});
