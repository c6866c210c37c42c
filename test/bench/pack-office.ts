/**
 * Opens the meeting pack in LibreOffice, which proves Word/WPS-class software reads it: converts
 * the Word pack to PDF and the Excel pack to CSV. Needs LibreOffice
 * (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui), which the test machine does
 * not carry, so it is a check to run by hand: `npm run check:pack-office`.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { packDocx, packXlsx } from '../../libs/cooperation/pack-documents';
import { samplePack } from '../../libs/cooperation/pack-fixture';

async function main(): Promise<void> {
  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/lib/libreoffice/program/soffice'].find(
    (p) => existsSync(p),
  );
  if (!soffice)
    throw new Error(
      'LibreOffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'pack-office-'));
  try {
    writeFileSync(join(dir, 'pack.docx'), await packDocx(samplePack()));
    writeFileSync(join(dir, 'pack.xlsx'), await packXlsx(samplePack()));
    const convert = (file: string, to: string) =>
      execFileSync(
        soffice,
        [
          '--headless',
          `-env:UserInstallation=file://${dir}/profile`,
          '--convert-to',
          to,
          '--outdir',
          dir,
          join(dir, file),
        ],
        { timeout: 120_000, stdio: 'ignore' },
      );
    convert('pack.docx', 'pdf');
    const pdf = readFileSync(join(dir, 'pack.pdf'));
    if (pdf.subarray(0, 5).toString() !== '%PDF-' || pdf.length < 20_000)
      throw new Error(`the Word pack did not convert to a PDF (${pdf.length} bytes)`);
    convert('pack.xlsx', 'csv');
    const csv = readFileSync(join(dir, 'pack.csv'), 'utf8');
    if (!csv.trim()) throw new Error('the Excel pack converted to an empty CSV');
    console.log(
      `Word pack → PDF ${pdf.length} bytes; Excel pack → CSV ${csv.split('\n').length} lines: both open in LibreOffice`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
