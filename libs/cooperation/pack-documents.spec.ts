import JSZip from 'jszip';
import { packDocx, packXlsx } from './pack-documents';
import { samplePack } from './pack-fixture';

describe('meeting pack files (DESIGN §15)', () => {
  it('Word: every section as a heading with its table, the figures, two PNG charts', async () => {
    const zip = await JSZip.loadAsync(await packDocx(samplePack()));
    const xml = await zip.file('word/document.xml')!.async('string');
    for (const s of [
      '2026年上半年联席会议会议材料',
      '一、总体情况',
      '二、分产业新增线索与签约情况',
      '三、招商漏斗',
      '四、重大签约项目',
      '五、产业链匹配采纳情况',
      '六、撞单及处理情况',
      '七、联合推介活动',
      '八、已完成的行动事项',
      '九、逾期的行动事项',
      '十、临期（30天内到期）的行动事项',
      '十一、上次会议议定事项落实情况',
    ])
      expect(xml).toContain(s);
    expect(xml).toContain('动力电池模组生产基地项目');
    expect(xml).toContain('250,000.5'); // contract amount, both cities
    expect(xml).toContain('共建园区标准厂房二期');
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBe(11);
    const media = Object.keys(zip.files).filter((f) => f.startsWith('word/media/') && f.endsWith('.png'));
    expect(media).toHaveLength(2);
    for (const m of media)
      expect((await zip.file(m)!.async('nodebuffer')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('Excel: a cover, the charts and a sheet per section, with numbers as numbers', async () => {
    const zip = await JSZip.loadAsync(await packXlsx(samplePack()));
    const workbook = await zip.file('xl/workbook.xml')!.async('string');
    expect((workbook.match(/<sheet /g) ?? []).length).toBe(13);
    expect(workbook).toContain('name="逾期的行动事项"');
    const strings = await zip.file('xl/sharedStrings.xml')!.async('string');
    expect(strings).toContain('研究设立联合招商基金');
    expect(strings).toContain('新能源与智能网联汽车');
    // Sheet 3 is 总体情况: 新增线索 12 and 9 as numbers.
    const sheet = await zip.file('xl/worksheets/sheet3.xml')!.async('string');
    expect(sheet).toMatch(/<c r="B3"[^>]*><v>12<\/v><\/c>/);
    expect(
      Object.keys(zip.files).filter((f) => f.startsWith('xl/media/') && f.endsWith('.png')),
    ).toHaveLength(2);
  });
});
