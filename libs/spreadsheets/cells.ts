/**
 * Cell values as the offices type them (DESIGN §17): numbers with thousands separators, dates as
 * Excel dates, Excel serial numbers or text, yes/no in Chinese. Pure functions; anything that
 * cannot be read is handed on as typed so the sync validation (libs/sync/item-validation.ts)
 * names the problem with its own rule.
 */

/** A cell of exceljs or csv-parse reduced to a plain value. */
export type CellValue = string | number | boolean | Date | null;

export function plainCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText))
      return plainCell((o.richText as { text: string }[]).map((r) => r.text).join(''));
    if ('result' in o) return plainCell(o.result);
    if ('text' in o) return plainCell(o.text);
    if ('error' in o) return null;
  }
  return plainCell(String(v));
}

/** Text of a cell for the result workbook and for text fields. */
export function cellText(v: CellValue): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/** "1,200.5", "1200 万" → 1200.5; anything else is handed on as text. */
export function readNumber(v: CellValue): number | string {
  if (typeof v === 'number') return v;
  const t = cellText(v)
    .replace(/[,，\s]/g, '')
    .replace(/(万元|万|元|亩|人|平方米|㎡)$/, '');
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return cellText(v);
}

/** Multiplies an amount in 亿元 to 万元, kept to two decimals as the API stores amounts. */
export function scaleAmount(v: number | string, factor: number): number | string {
  if (typeof v !== 'number' || factor === 1) return v;
  return Math.round(v * factor * 100) / 100;
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A day `YYYY-MM-DD` from an Excel date, an Excel serial number or text such as 2024/3/5 or 2024年3月5日. */
export function readDay(v: CellValue): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number' && v > 0 && v < 2_958_466) {
    return new Date(EXCEL_EPOCH + Math.round(v) * 86_400_000).toISOString().slice(0, 10);
  }
  const t = cellText(v).trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t);
  if (m) return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return t;
}

/** A date-time for `nextActionAt`: a day is read as its start in China time (UTC+8). */
export function readDateTime(v: CellValue): string {
  const day = readDay(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(day)) return `${day}T00:00:00+08:00`;
  return day;
}

const YES = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '保密', '链主']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '×', '']);

export function readBoolean(v: CellValue): boolean | string {
  if (typeof v === 'boolean') return v;
  const t = cellText(v).trim().toLowerCase();
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return cellText(v);
}

/** Items of a list cell: 电池材料、电芯;储能 → three. */
export function splitList(v: CellValue): string[] {
  return cellText(v)
    .split(/[,，、;；\n|｜]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A cell value safe to open in Excel (OWASP CSV injection): text that begins with = + - @ (or a
 * tab / carriage return that Excel strips before them) gets a leading apostrophe.
 */
export function escapeFormula(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Header text compared loosely: full-width brackets, spaces and case do not matter. */
export function headerKey(h: string): string {
  return h
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}
