import {
  containedCoreKeys,
  containingPattern,
  coreSimilarity,
  coresCollide,
  isGenericCore,
  normaliseInvestorName,
} from '../leads/investor-name';
import { INVESTOR_PAIRS } from './investor-pairs';

describe('normaliseInvestorName: the core of DESIGN §7', () => {
  it.each([
    ['锐能动力电池股份有限公司', '锐能动力电池'],
    ['江苏锐能动力电池有限公司', '锐能动力电池'],
    ['江苏省锐能动力电池有限公司', '锐能动力电池'],
    ['四川省成都市锐能动力电池有限公司', '锐能动力电池'],
    ['重庆市北碚区锐能动力电池有限公司', '锐能动力电池'],
    ['锐能动力电池（成都）有限公司', '锐能动力电池'],
    ['锐能动力电池(成都)有限公司', '锐能动力电池'],
    ['锐能动力电池【重庆市】有限公司', '锐能动力电池'],
    ['锐能动力电池有限公司成都分公司', '锐能动力电池'],
    ['锐能 动力电池 有限公司', '锐能动力电池'],
    ['博世（中国）投资有限公司', '博世投资'],
    ['锐能动力电池有限公司（筹）', '锐能动力电池'],
    ['重庆机电控股（集团）公司', '机电控股'],
    ['四川长虹电器有限责任公司', '长虹电器'],
    ['比亚迪集团股份有限公司', '比亚迪'],
    ['深圳市比亚迪股份有限公司', '比亚迪'],
    ['华为技术有限公司', '华为技术'],
    ['京东方科技集团股份有限公司', '京东方科技'],
    // A region is kept when the rest is only an industry's words.
    ['四川动力电池有限公司', '四川动力电池'],
    ['重庆长安汽车股份有限公司', '长安汽车'],
    ['上海电气集团股份有限公司', '上海电气'],
    ['成都智能科技有限公司', '成都智能科技'],
    // A bracket that is not a region or a qualifier keeps its content.
    ['锐能（控股）动力有限公司', '锐能控股动力'],
    ['Contemporary Amperex Technology Co., Ltd.', 'contemporaryamperextechnology'],
    ['Sichuan Kelun Pharmaceutical Co., Ltd.', 'kelunpharmaceutical'],
    ['Kelun Pharmaceutical (Chengdu) Co., Ltd.', 'kelunpharmaceutical'],
    ['Chongqing City Ruineng Power Co., Ltd.', 'ruinengpower'],
    ['Inner Mongolia Yili Dairy Co., Ltd.', 'yilidairy'],
    ['Tesla (Shanghai) Co., Ltd.', 'tesla'],
    ['Sichuan Energy Co., Ltd.', 'sichuanenergy'],
    ['Bosch GmbH', 'bosch'],
    ['Siemens AG', 'siemens'],
    ['Tesla, Inc.', 'tesla'],
    ['Acme Corporation', 'acme'],
    ['Foo Holdings LLC', 'foo'],
    ['Ｆｏｏ　Ｌｔｄ', 'foo'],
  ])('%s → %s', (input, want) => {
    expect(normaliseInvestorName(input)).toBe(want);
  });

  it('keeps a suffix-like word inside a name', () => {
    expect(normaliseInvestorName('Cohort Analytics')).toBe('cohortanalytics');
    expect(normaliseInvestorName('公司治理研究院')).toBe('公司治理研究院');
    expect(normaliseInvestorName('Ltd Ventures')).toBe('ltdventures');
  });

  it('never returns an empty value for a name with a letter or digit', () => {
    for (const n of ['有限公司', 'Co., Ltd.', '四川省', '重庆市北碚区', '（成都）'])
      expect(normaliseInvestorName(n)).not.toBe('');
  });

  it('is idempotent', () => {
    for (const [a, b] of INVESTOR_PAIRS)
      for (const n of [a, b])
        expect(normaliseInvestorName(normaliseInvestorName(n))).toBe(normaliseInvestorName(n));
  });

  it('holds letters and digits only (what pg_trgm reads as one word)', () => {
    for (const [a, b] of INVESTOR_PAIRS)
      for (const n of [a, b]) expect(normaliseInvestorName(n)).toMatch(/^[\p{L}\p{N}]+$/u);
  });
});

describe('coresCollide: the same investor written differently (DESIGN §7)', () => {
  it('has a table of at least 40 pairs, both answers well represented', () => {
    expect(INVESTOR_PAIRS.length).toBeGreaterThanOrEqual(40);
    expect(INVESTOR_PAIRS.filter((p) => p[2]).length).toBeGreaterThanOrEqual(15);
    expect(INVESTOR_PAIRS.filter((p) => !p[2]).length).toBeGreaterThanOrEqual(15);
  });

  it.each(INVESTOR_PAIRS)('%s | %s → %s', (a, b, same) => {
    const [ca, cb] = [normaliseInvestorName(a), normaliseInvestorName(b)];
    expect(coresCollide(ca, cb)).toBe(same);
    expect(coresCollide(cb, ca)).toBe(same);
  });
});

describe('coreSimilarity: pg_trgm similarity', () => {
  it.each([
    // Values Postgres 15 gives for the same strings (SELECT similarity(a, b)).
    ['锐能动力电池', '江苏锐能动力电池', 0.45454547],
    ['四川动力电池', '重庆动力电池', 0.27272728],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
  ])('%s ~ %s = %d', (a, b, want) => {
    expect(coreSimilarity(a, b)).toBeCloseTo(want, 6);
  });
});

describe('generic words', () => {
  it.each([
    ['动力电池', true],
    ['新能源科技', true],
    ['newenergytechnology', true],
    ['锐能动力电池', false],
    ['科技锐能', false],
  ])('%s generic: %s', (core, want) => {
    expect(isGenericCore(core)).toBe(want);
  });

  it('decides a long name of overlapping words at once (no backtracking blow-up)', () => {
    // A backtracking regular expression would not return within Jest's timeout here.
    expect(isGenericCore(`${'新能源'.repeat(200)}x`)).toBe(false);
    expect(isGenericCore('新能源'.repeat(200))).toBe(true);
  });
});

describe('containment lookups', () => {
  it('keys a core by its substrings of four characters', () => {
    expect(containedCoreKeys('锐能动力电池')).toEqual(['锐能动力', '能动力电', '动力电池']);
    expect(containedCoreKeys('比亚迪')).toEqual([]);
  });

  it('looks for longer cores only with a core that may be contained', () => {
    expect(containingPattern('锐能动力电池')).toBe('%锐能动力电池%');
    expect(containingPattern('动力电池')).toBeNull();
    expect(containingPattern('比亚迪')).toBeNull();
  });
});
