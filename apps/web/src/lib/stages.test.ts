import { describe, expect, it } from 'vitest';
import { allowedMoves, canMove, FORWARD_STAGES } from './stages';

describe('stage moves (DESIGN §6)', () => {
  it('moves forward, skipping allowed, never backward', () => {
    expect(canMove('lead', 'contacted')).toBe(true);
    expect(canMove('lead', 'signed')).toBe(true);
    expect(canMove('negotiating', 'visited')).toBe(false);
    expect(canMove('signed', 'lead')).toBe(false);
  });

  it('lets any active stage go on hold or be lost', () => {
    for (const s of FORWARD_STAGES) {
      expect(allowedMoves(s)).toEqual(expect.arrayContaining(['on_hold', 'lost']));
    }
  });

  it('resumes on_hold only to the stage it left', () => {
    expect(allowedMoves('on_hold', { resumeStage: 'visited' })).toEqual(['visited']);
    expect(allowedMoves('on_hold')).toEqual([]);
    expect(canMove('on_hold', 'signed', { resumeStage: 'visited' })).toBe(false);
  });

  it('keeps lost final except a manager reopening it to lead', () => {
    expect(allowedMoves('lost')).toEqual([]);
    expect(allowedMoves('lost', { manager: true })).toEqual(['lead']);
  });
});
