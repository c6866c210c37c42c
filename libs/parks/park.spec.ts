import { parkOwnershipErrors } from './park';

describe('parkOwnershipErrors (DESIGN §5, §9)', () => {
  it.each<[string, 'beibei' | 'mianyang', ('beibei' | 'mianyang')[], boolean, string[]]>([
    ['own park', 'beibei', ['beibei'], false, []],
    ['co-built park, either side', 'mianyang', ['beibei', 'mianyang'], true, []],
    ['the partner’s park alone', 'beibei', ['mianyang'], false, ['jurisdictions']],
    ['co-built flag on a single-city park', 'beibei', ['beibei'], true, ['coBuilt']],
    ['both cities without the flag', 'beibei', ['beibei', 'mianyang'], false, ['coBuilt']],
    ['nobody', 'beibei', [], false, ['jurisdictions']],
  ])('%s', (_label, caller, jurisdictions, coBuilt, fields) => {
    expect(parkOwnershipErrors(caller, jurisdictions, coBuilt).map((e) => e.field)).toEqual(fields);
  });
});
