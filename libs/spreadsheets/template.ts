import ExcelJS from 'exceljs';
import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import {
  ColumnDef,
  ImportEntity,
  JURISDICTION_NAMES,
  SHARING_NAMES,
  SOURCE_NAMES,
  STAGE_NAMES,
  columnsOf,
} from './columns';

/** Rows of the template that carry the drop-down lists. */
const LIST_ROWS = 2000;

/**
 * The import template of an entity (DESIGN §17): Chinese headers with a note each, drop-down lists
 * (segments by Chinese name, stages, sources, yes/no) from a hidden sheet of lists, an example row.
 */
export async function buildTemplate(entity: ImportEntity, graph: TaxonomyGraph): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '链城 Liancheng';
  const ws = wb.addWorksheet(entity === 'lead' ? '招商线索' : entity === 'enterprise' ? '企业' : '园区');
  const lists = wb.addWorksheet('下拉选项', { state: 'veryHidden' });
  const segmentNames = graph.taxonomy.segments.map((s) => s.name);
  const listOf: Record<string, string[]> = {
    segments: segmentNames,
    stage: Object.values(STAGE_NAMES),
    source: Object.values(SOURCE_NAMES),
    sharing: Object.values(SHARING_NAMES),
    boolean: ['是', '否'],
    jurisdictions: Object.values(JURISDICTION_NAMES),
  };
  const listRange: Record<string, string> = {};
  Object.entries(listOf).forEach(([name, values], i) => {
    const col = lists.getColumn(i + 1);
    values.forEach((v, r) => (lists.getCell(r + 1, i + 1).value = v));
    listRange[name] = `'下拉选项'!$${col.letter}$1:$${col.letter}$${values.length}`;
  });
  const cols = columnsOf(entity);
  ws.columns = cols.map((c) => ({
    header: c.header,
    key: c.field,
    width: Math.max(14, c.header.length * 2 + 4),
  }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F0FF' } };
  cols.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.required ? '【必填】' : ''}${c.note}`;
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const example = ws.getRow(2);
  cols.forEach((c, i) => (example.getCell(i + 1).value = exampleValue(c, segmentNames, entity)));
  cols.forEach((c, i) => {
    const list = c.kind === 'segments' ? 'segments' : c.kind === 'boolean' ? 'boolean' : c.kind;
    if (!listRange[list]) return;
    const letter = ws.getColumn(i + 1).letter;
    // One validation over the column's range (a list of segments accepts several, separated by 、).
    (
      ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }
    ).dataValidations.add(`${letter}2:${letter}${LIST_ROWS}`, {
      type: 'list',
      allowBlank: true,
      formulae: [listRange[list]],
      showErrorMessage: c.kind !== 'segments' && c.kind !== 'jurisdictions',
      errorStyle: 'warning',
      error: '请从下拉列表中选择',
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function exampleValue(c: ColumnDef, segmentNames: string[], entity: ImportEntity): string | number {
  if (c.kind === 'segments') {
    if (c.field === 'needs') return segmentNames[1] ?? '';
    return segmentNames[0] ?? '';
  }
  if (entity === 'park' && c.kind === 'jurisdictions') return JURISDICTION_NAMES.beibei;
  return c.example;
}
