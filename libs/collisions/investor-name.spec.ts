import { normaliseInvestorName } from './investor-name';

describe('normaliseInvestorName (DESIGN §7)', () => {
  it.each([
    ['宁德时代新能源科技股份有限公司', '宁德时代新能源科技'],
    ['宁德时代新能源科技有限公司', '宁德时代新能源科技'],
    ['宁德时代 新能源科技', '宁德时代新能源科技'],
    ['四川长虹电器有限责任公司', '四川长虹电器'],
    ['比亚迪集团股份有限公司', '比亚迪'],
    ['东方电气集团有限公司', '东方电气'],
    ['华为技术有限公司', '华为技术'],
    ['京东方科技集团股份有限公司', '京东方科技'],
    ['宁德时代（四川）有限公司', '宁德时代四川'],
    ['Contemporary Amperex Technology Co., Ltd.', 'contemporaryamperextechnology'],
    ['CONTEMPORARY AMPEREX TECHNOLOGY CO. LTD', 'contemporaryamperextechnology'],
    ['Bosch GmbH', 'bosch'],
    ['Siemens AG', 'siemens'],
    ['Tesla, Inc.', 'tesla'],
    ['Acme Corp.', 'acme'],
    ['Acme Corporation', 'acme'],
    ['Foo Holdings LLC', 'foo'],
    ['Ｆｏｏ　Ｌｔｄ', 'foo'],
    ['Samsung Electronics Co., Ltd.', 'samsungelectronics'],
  ])('%s → %s', (input, want) => {
    expect(normaliseInvestorName(input)).toBe(want);
  });

  it('keeps a suffix-like word inside a name', () => {
    expect(normaliseInvestorName('Cohort Analytics')).toBe('cohortanalytics');
    expect(normaliseInvestorName('公司治理研究院')).toBe('公司治理研究院');
    expect(normaliseInvestorName('Ltd Ventures')).toBe('ltdventures');
  });

  it('never returns an empty value for a non-empty name', () => {
    expect(normaliseInvestorName('有限公司')).not.toBe('');
    expect(normaliseInvestorName('Co., Ltd.')).not.toBe('');
  });

  it('is idempotent', () => {
    for (const n of ['宁德时代新能源科技股份有限公司', 'Tesla, Inc.', 'Foo Holdings LLC', '比亚迪集团'])
      expect(normaliseInvestorName(normaliseInvestorName(n))).toBe(normaliseInvestorName(n));
  });
});
