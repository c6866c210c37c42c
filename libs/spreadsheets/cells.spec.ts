import { csvEncoding, formatOf } from './file-reader';
import {
  escapeFormula,
  headerKey,
  plainCell,
  readBoolean,
  readDateTime,
  readDay,
  readNumber,
  scaleAmount,
  splitList,
} from './cells';
import iconv from 'iconv-lite';

describe('spreadsheet cells (DESIGN §17)', () => {
  it('reads numbers as offices type them, and hands anything else on as text', () => {
    expect(readNumber('1,200.5')).toBe(1200.5);
    expect(readNumber('3000 万元')).toBe(3000);
    expect(readNumber(42)).toBe(42);
    expect(readNumber('很多')).toBe('很多');
    expect(scaleAmount(1.23456, 10_000)).toBe(12345.6);
    expect(scaleAmount('很多', 10_000)).toBe('很多');
  });

  it('reads days from Excel dates, serial numbers and text', () => {
    expect(readDay(new Date(Date.UTC(2026, 2, 5)))).toBe('2026-03-05');
    expect(readDay(46086)).toBe('2026-03-05');
    expect(readDay('2026/3/5')).toBe('2026-03-05');
    expect(readDay('2026年3月5日')).toBe('2026-03-05');
    expect(readDay('下周')).toBe('下周');
    expect(readDateTime('2026-03-05')).toBe('2026-03-05T00:00:00+08:00');
  });

  it('reads yes/no, lists and rich cells', () => {
    expect(readBoolean('是')).toBe(true);
    expect(readBoolean('否')).toBe(false);
    expect(readBoolean('也许')).toBe('也许');
    expect(splitList('电芯、正极材料;隔膜，电解液')).toEqual(['电芯', '正极材料', '隔膜', '电解液']);
    expect(plainCell({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab');
    expect(plainCell({ formula: 'A1', result: 3 })).toBe(3);
    expect(plainCell('  ')).toBeNull();
  });

  it('escapes cells that a spreadsheet would run as formulas', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1']) expect(escapeFormula(s)).toBe(`'${s}`);
    expect(escapeFormula('正常')).toBe('正常');
    expect(escapeFormula(-1)).toBe(-1);
  });

  it('compares headers loosely and recognises files', () => {
    expect(headerKey('计划投资（万元）')).toBe(headerKey('计划投资(万元) '));
    expect(formatOf('a.xlsx', Buffer.from([0x50, 0x4b, 3, 4]))).toBe('xlsx');
    expect(formatOf('a.xlsx', Buffer.from('abcd'))).toBeNull();
    expect(formatOf('a.csv', Buffer.from('a,b'))).toBe('csv');
    expect(formatOf('a.pdf', Buffer.from('%PDF'))).toBeNull();
    expect(csvEncoding(Buffer.from('名称', 'utf8'))).toBe('utf8');
    expect(csvEncoding(iconv.encode('名称,信用代码', 'gb18030'))).toBe('gb18030');
  });
});
