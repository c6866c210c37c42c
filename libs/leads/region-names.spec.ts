import { readFileSync } from 'fs';
import { REGION_NAMES_FILE, regionNamesJson, shortRegionName } from '../../scripts/gen-region-names';

describe('region-names.json (the division list investor cores drop, DESIGN §7)', () => {
  it('is what `npm run gen:regions` writes from the division package', () => {
    expect(readFileSync(REGION_NAMES_FILE, 'utf8')).toBe(regionNamesJson());
  });

  it('holds provinces, cities and counties with and without their suffix, and English names', () => {
    const names = JSON.parse(readFileSync(REGION_NAMES_FILE, 'utf8')) as { zh: string[]; en: string[] };
    for (const n of [
      '四川省',
      '四川',
      '重庆市',
      '重庆',
      '绵阳市',
      '绵阳',
      '北碚区',
      '北碚',
      '阿坝',
      '内蒙古',
    ])
      expect(names.zh).toContain(n);
    for (const n of ['chongqing', 'sichuan', 'chengdu', 'mianyang', 'beibei', 'shaanxi', 'inner mongolia'])
      expect(names.en).toContain(n);
    expect(names.zh).not.toContain('市辖区');
  });

  it.each([
    ['江苏省', '江苏'],
    ['阿坝藏族羌族自治州', '阿坝'],
    ['北川羌族自治县', '北川'],
    ['新疆维吾尔自治区', '新疆'],
    ['锡林郭勒盟', '锡林郭勒'],
    ['忠县', null],
  ])('short form of %s is %s', (name, short) => {
    expect(shortRegionName(name)).toBe(short);
  });
});
