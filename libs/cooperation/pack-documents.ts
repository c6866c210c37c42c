import {
  AlignmentType,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import ExcelJS from 'exceljs';
import { CHART_HEIGHT, CHART_WIDTH, contractAmountChart, funnelChart } from './pack-charts';
import { CITY_ZH, MeetingPack, PackTable, chineseDay, packTables } from './meeting-pack';

/**
 * The meeting pack as the files the offices circulate (DESIGN §15): Word (`docx`) and Excel
 * (`exceljs`), in Chinese, every section a table, the two charts as PNG images.
 */
export function packTitle(p: MeetingPack): string {
  return `${p.meeting.title ?? p.kindName}会议材料`;
}

function periodLine(p: MeetingPack): string {
  const since = p.previousMeeting
    ? `上次会议（${chineseDay(p.period.fromDay)}）以来`
    : `${chineseDay(p.period.fromDay)}以来`;
  return `统计期间：${since}至${chineseDay(p.period.toDay)}；本材料由${CITY_ZH[p.viewer]}生成，对方数据以共享范围为限。`;
}

const FONT = 'SimSun';

function docxTable(t: PackTable): Table {
  const cell = (text: string | number, header = false) =>
    new TableCell({
      shading: header ? { type: ShadingType.CLEAR, color: 'auto', fill: 'D9E2F3' } : undefined,
      children: [
        new Paragraph({
          alignment: typeof text === 'number' ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: [new TextRun({ text: String(text), bold: header, font: FONT, size: 20 })],
        }),
      ],
    });
  const rows = t.rows.length ? t.rows : [['（无）', ...t.header.slice(1).map(() => '')]];
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: t.header.map((h) => cell(h, true)) }),
      ...rows.map((r) => new TableRow({ children: r.map((v) => cell(v)) })),
    ],
  });
}

export async function packDocx(p: MeetingPack): Promise<Buffer> {
  const tables = packTables(p);
  const m = p.meeting;
  const image = (data: Buffer, name: string) =>
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [
        new ImageRun({
          type: 'png',
          data,
          transformation: { width: 600, height: Math.round((600 * CHART_HEIGHT) / CHART_WIDTH) },
          altText: { name, title: name, description: name },
        }),
      ],
    });
  const text = (s: string, opts: { bold?: boolean } = {}) =>
    new Paragraph({ children: [new TextRun({ text: s, font: FONT, size: 24, ...opts })] });
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: packTitle(p), font: FONT })],
    }),
    text(`会议：${p.kindName}`),
    text(`时间：${chineseDay(m.heldAt.slice(0, 10))}\u3000地点：${m.place}\u3000主持单位：${m.host}`),
    text(periodLine(p)),
  ];
  if (m.agenda.length) {
    children.push(text('会议议程', { bold: true }));
    m.agenda.forEach((a, i) => children.push(text(`${i + 1}. ${a}`)));
  }
  for (const t of tables) {
    children.push(
      new Paragraph({
        heading: HeadingLevel.HEADING_1,
        children: [new TextRun({ text: t.heading, font: FONT })],
      }),
    );
    if (t.note) children.push(text(t.note));
    children.push(docxTable(t));
    if (t.heading.startsWith('二、')) children.push(image(contractAmountChart(p), '分产业签约额'));
    if (t.heading.startsWith('三、')) children.push(image(funnelChart(p), '招商漏斗'));
  }
  const doc = new Document({
    creator: '链城 Liancheng',
    title: packTitle(p),
    styles: { default: { document: { run: { font: FONT } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

export async function packXlsx(p: MeetingPack): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '链城 Liancheng';
  wb.title = packTitle(p);
  const cover = wb.addWorksheet('概况');
  cover.addRow([packTitle(p)]).font = { bold: true, size: 14 };
  cover.addRow([`会议：${p.kindName}`]);
  cover.addRow([
    `时间：${chineseDay(p.meeting.heldAt.slice(0, 10))}\u3000地点：${p.meeting.place}\u3000主持单位：${p.meeting.host}`,
  ]);
  cover.addRow([periodLine(p)]);
  cover.getColumn(1).width = 100;
  const charts = wb.addWorksheet('图表');
  const funnel = wb.addImage({ buffer: funnelChart(p) as unknown as ExcelJS.Buffer, extension: 'png' });
  const amount = wb.addImage({
    buffer: contractAmountChart(p) as unknown as ExcelJS.Buffer,
    extension: 'png',
  });
  charts.addImage(funnel, {
    tl: { col: 0, row: 0 },
    ext: { width: CHART_WIDTH * 0.8, height: CHART_HEIGHT * 0.8 },
  });
  charts.addImage(amount, {
    tl: { col: 0, row: 20 },
    ext: { width: CHART_WIDTH * 0.8, height: CHART_HEIGHT * 0.8 },
  });
  for (const t of packTables(p)) {
    // Sheet names: at most 31 characters, no brackets; the heading without its number.
    const name = t.heading
      .replace(/^[一二三四五六七八九十]+、/, '')
      .replace(/[（）()[\]:*?/\\]/g, '')
      .slice(0, 31);
    const ws = wb.addWorksheet(name);
    ws.addRow([t.heading]).font = { bold: true, size: 13 };
    if (t.note) ws.addRow([t.note]);
    const header = ws.addRow(t.header);
    header.font = { bold: true };
    header.eachCell((c) => {
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E2F3' } };
    });
    for (const r of t.rows) ws.addRow(r);
    t.header.forEach((h, i) => {
      const longest = Math.max(h.length, ...t.rows.map((r) => String(r[i] ?? '').length));
      ws.getColumn(i + 1).width = Math.min(60, Math.max(10, longest * 2 + 2));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
