import { isUtf8 } from 'buffer';
import { Readable } from 'stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { CellValue, plainCell } from './cells';

export type SheetFormat = 'xlsx' | 'csv';

/** Up to this many data rows per file (DESIGN §17). */
export const MAX_IMPORT_ROWS = 50_000;

export class SheetTooLongError extends Error {
  constructor() {
    super(`the file has more than ${MAX_IMPORT_ROWS} data rows`);
  }
}

/** xlsx by its zip signature, else by the file name; anything else is read as CSV text. */
export function formatOf(fileName: string, head: Buffer): SheetFormat | null {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'xlsx';
  if (/\.xlsx$/i.test(fileName)) return null; // named .xlsx but not a zip: not a workbook
  if (/\.(csv|txt)$/i.test(fileName) || !/\.\w+$/.test(fileName)) return 'csv';
  return null;
}

/**
 * The text encoding of a CSV file: a UTF-8 byte-order mark or valid UTF-8 is UTF-8; otherwise the
 * offices' Excel saved it in the Chinese Windows code page, read as GB18030 (a superset of GBK
 * and GB2312).
 */
export function csvEncoding(buf: Buffer): 'utf8' | 'gb18030' {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf8';
  return isUtf8(buf) ? 'utf8' : 'gb18030';
}

/**
 * The rows of the first worksheet (or of the CSV), streaming: the header row first, then the data
 * rows with their 1-based row number in the file. Cells are plain values (see plainCell).
 */
export async function* readSheet(
  file: Buffer,
  format: SheetFormat,
): AsyncGenerator<{ rowNo: number; cells: CellValue[] }> {
  if (format === 'xlsx') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]) ?? [];
        const cells = values.slice(1).map(plainCell);
        if (cells.every((c) => c === null)) continue;
        yield { rowNo: row.number, cells };
      }
      return; // the first worksheet only
    }
    return;
  }
  const text = csvEncoding(file) === 'utf8' ? file.toString('utf8') : iconv.decode(file, 'gb18030');
  const parser = Readable.from([text]).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: false, relax_quotes: true }),
  );
  let rowNo = 0; // as Excel numbers the rows of the opened CSV
  for await (const record of parser as AsyncIterable<string[]>) {
    rowNo++;
    const cells = record.map(plainCell);
    if (cells.every((c) => c === null)) continue;
    yield { rowNo, cells };
  }
}
