import { describe, expect, it } from 'vitest';
import { factsToAsk } from './milestones';

describe('facts to ask before a move (DESIGN §6)', () => {
  it('asks nothing before signing, or for on hold and lost', () => {
    expect(factsToAsk('negotiating')).toEqual([]);
    expect(factsToAsk('on_hold')).toEqual([]);
    expect(factsToAsk('lost')).toEqual([]);
  });

  it('asks for every milestone passed, minus what the lead already has', () => {
    expect(factsToAsk('started')).toEqual(['signedAt', 'contractAmountWan', 'projectUscc', 'startedAt']);
    expect(factsToAsk('started', { signedAt: '2026-06-01', contractAmountWan: 0, projectUscc: '' })).toEqual([
      'projectUscc',
      'startedAt',
    ]);
    expect(factsToAsk('signed', { signedAt: '2026-06-01', contractAmountWan: 5 })).toEqual([]);
  });
});
