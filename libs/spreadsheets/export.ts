import { cityMinute } from '../common/city-time';
import { Writable } from 'stream';
import { once } from 'events';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import { escapeFormula } from './cells';
import { ACTION_FIELD_NAMES, ACTION_STATUS_NAMES } from '../cooperation/action-item';
import {
  ENTERPRISE_COLUMNS,
  IMPORT_REF_SYSTEM,
  JURISDICTION_NAMES,
  LEAD_COLUMNS,
  PARK_COLUMNS,
  SHARING_NAMES,
  SOURCE_NAMES,
  STAGE_NAMES,
} from './columns';

export type ExportFormat = 'xlsx' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'csv'];
export type ExportEntity = 'leads' | 'enterprises' | 'parks' | 'matches' | 'action-items';

/** One column of an export: its header and how a record of the list (as the API shows it) fills it. */
export interface ExportColumn {
  header: string;
  value: (r: Record<string, any>) => string | number | boolean | null;
}

const yesNo = (v: unknown) => (v === true ? '是' : v === false ? '否' : null);
const day = (v: unknown) => (typeof v === 'string' ? v.slice(0, 10) : null);
/** A time as the offices read it: China time, to the minute. */
const chinaTime = (v: unknown) => (typeof v === 'string' ? cityMinute(v) : null);
const spreadsheetRef = (refs: unknown) =>
  Array.isArray(refs)
    ? ((refs as { system: string; id: string }[]).find((r) => r.system === IMPORT_REF_SYSTEM)?.id ?? null)
    : null;
const header = (cols: { field: string; header: string }[], field: string) =>
  cols.find((c) => c.field === field)!.header;

/**
 * The columns of each list's export. Columns that an import reads carry the import template's
 * header and the same notation (segments by Chinese name, 是/否), so an exported sheet imports back.
 */
export function exportColumns(entity: ExportEntity, graph: TaxonomyGraph): ExportColumn[] {
  const segs = (codes: unknown) =>
    Array.isArray(codes) ? codes.map((c: string) => graph.segmentByCode.get(c)?.name ?? c).join('、') : null;
  const place = (j: unknown) => (typeof j === 'string' ? (JURISDICTION_NAMES[j] ?? j) : null);
  const L = (f: string) => header(LEAD_COLUMNS, f);
  const E = (f: string) => header(ENTERPRISE_COLUMNS, f);
  const P = (f: string) => header(PARK_COLUMNS, f);
  switch (entity) {
    case 'leads':
      return [
        { header: 'ID', value: (r) => r.id },
        { header: L('externalRef'), value: (r) => spreadsheetRef(r.externalRefs) },
        { header: L('title'), value: (r) => r.title },
        { header: L('investor.name'), value: (r) => r.investor?.name ?? null },
        { header: L('investor.uscc'), value: (r) => r.investor?.uscc ?? null },
        { header: L('investor.country'), value: (r) => r.investor?.country ?? null },
        { header: '所属区域', value: (r) => place(r.jurisdiction) },
        { header: L('segments'), value: (r) => segs(r.segments) },
        { header: L('plannedInvestmentWan'), value: (r) => r.plannedInvestmentWan },
        { header: L('landNeedMu'), value: (r) => r.landNeedMu },
        { header: L('expectedJobs'), value: (r) => r.expectedJobs },
        { header: L('stage'), value: (r) => STAGE_NAMES[r.stage] ?? r.stage },
        { header: L('sharing'), value: (r) => SHARING_NAMES[r.sharing] ?? r.sharing },
        { header: L('confidential'), value: (r) => yesNo(r.confidential) },
        { header: L('codeName'), value: (r) => r.codeName },
        { header: L('source'), value: (r) => SOURCE_NAMES[r.source] ?? r.source },
        { header: L('summary'), value: (r) => r.summary || null },
        { header: L('partnerSummary'), value: (r) => r.partnerSummary },
        { header: L('nextActionAt'), value: (r) => day(chinaTime(r.nextActionAt)) },
        { header: L('contacts[0].name'), value: (r) => r.contacts?.[0]?.name ?? null },
        { header: L('contacts[0].title'), value: (r) => r.contacts?.[0]?.title ?? null },
        { header: L('contacts[0].phone'), value: (r) => r.contacts?.[0]?.phone ?? null },
        { header: L('contacts[0].email'), value: (r) => r.contacts?.[0]?.email ?? null },
        { header: L('signedAt'), value: (r) => r.signedAt },
        { header: L('contractAmountWan'), value: (r) => r.contractAmountWan },
        { header: L('projectUscc'), value: (r) => r.projectUscc },
        { header: L('startedAt'), value: (r) => r.startedAt },
        { header: L('operatingAt'), value: (r) => r.operatingAt },
        { header: '到位资金（万元）', value: (r) => r.fundsInPlaceWan },
        { header: '更新时间', value: (r) => chinaTime(r.updatedAt) },
      ];
    case 'enterprises':
      return [
        { header: 'ID', value: (r) => r.id },
        { header: E('externalRef'), value: (r) => spreadsheetRef(r.externalRefs) },
        { header: E('name'), value: (r) => r.name },
        { header: E('uscc'), value: (r) => r.uscc },
        { header: '所属区域', value: (r) => place(r.jurisdiction) },
        { header: E('segments'), value: (r) => segs(r.segments) },
        { header: E('needs'), value: (r) => segs(r.needs) || null },
        { header: E('chainLeader'), value: (r) => yesNo(r.chainLeader) },
        { header: E('revenueWan'), value: (r) => r.revenueWan },
        { header: E('employees'), value: (r) => r.employees },
        { header: E('address'), value: (r) => r.address },
        { header: E('tags'), value: (r) => (Array.isArray(r.tags) ? r.tags.join('、') || null : null) },
        { header: '更新时间', value: (r) => chinaTime(r.updatedAt) },
      ];
    case 'parks':
      return [
        { header: 'ID', value: (r) => r.id },
        { header: P('name'), value: (r) => r.name },
        { header: P('nameEn'), value: (r) => r.nameEn },
        { header: P('jurisdictions'), value: (r) => (r.jurisdictions ?? []).map(place).join('、') },
        { header: '共建园区', value: (r) => yesNo(r.coBuilt) },
        { header: P('targetSegments'), value: (r) => segs(r.targetSegments) },
        { header: P('availableLandMu'), value: (r) => r.availableLandMu },
        { header: P('factorySpaceSqm'), value: (r) => r.factorySpaceSqm },
        { header: P('incentives'), value: (r) => r.incentives },
        { header: '更新时间', value: (r) => chinaTime(r.updatedAt) },
      ];
    case 'matches':
      return [
        { header: 'ID', value: (r) => r.id },
        { header: '线索ID', value: (r) => r.leadId },
        { header: '项目名称', value: (r) => r.leadTitle },
        { header: '线索所属区域', value: (r) => place(r.leadJurisdiction) },
        { header: '类型', value: (r) => (r.kind === 'park' ? '园区' : '产业链伙伴') },
        { header: '匹配对象', value: (r) => r.targetName },
        {
          header: '关系',
          value: (r) => (r.relation === 'upstream' ? '上游' : r.relation === 'downstream' ? '下游' : null),
        },
        { header: '得分', value: (r) => r.score },
        {
          header: '状态',
          value: (r) =>
            ({ proposed: '待定', accepted: '已采纳', rejected: '已拒绝' })[r.status as string] ?? r.status,
        },
        {
          header: '匹配理由',
          value: (r) =>
            Array.isArray(r.reasons) ? r.reasons.map((x: { text: string }) => x.text).join('；') : null,
        },
        { header: '计算时间', value: (r) => chinaTime(r.computedAt) },
      ];
    case 'action-items':
      return [
        { header: 'ID', value: (r) => r.id },
        { header: '编号', value: (r) => r.code },
        { header: '事项', value: (r) => r.title },
        { header: '工作内容', value: (r) => r.scope || null },
        {
          header: '合作领域',
          value: (r) => ACTION_FIELD_NAMES[r.field as keyof typeof ACTION_FIELD_NAMES]?.zh ?? r.field,
        },
        { header: '年度重点任务', value: (r) => r.keyTaskYear },
        {
          header: '责任单位',
          value: (r) =>
            Array.isArray(r.units)
              ? r.units
                  .map((u: { jurisdiction: string; unit: string }) => `${place(u.jurisdiction)}：${u.unit}`)
                  .join('；')
              : null,
        },
        { header: '完成时限', value: (r) => r.dueAt },
        {
          header: '状态',
          value: (r) => ACTION_STATUS_NAMES[r.status as keyof typeof ACTION_STATUS_NAMES] ?? r.status,
        },
        { header: '进度（%）', value: (r) => r.progress },
        { header: '北碚区进度（%）', value: (r) => r.progressBy?.beibei ?? null },
        { header: '绵阳市进度（%）', value: (r) => r.progressBy?.mianyang ?? null },
        {
          header: '时限状态',
          value: (r) =>
            ({ overdue: '已逾期', at_risk: '临近时限', on_track: '按期推进', closed: '已结束' })[
              r.deadline as string
            ] ?? r.deadline,
        },
        { header: '更新时间', value: (r) => chinaTime(r.updatedAt) },
      ];
  }
}

/**
 * Writes the pages of a list as a workbook or a CSV, streaming: one page in memory at a time.
 * Every text cell is escaped against formula injection; the CSV starts with a UTF-8 BOM so Excel
 * opens it as UTF-8.
 */
export async function writeExport(
  format: ExportFormat,
  columns: ExportColumn[],
  pages: AsyncIterable<Record<string, any>[]>,
  out: Writable,
): Promise<number> {
  let n = 0;
  const values = (r: Record<string, any>) => columns.map((c) => escapeFormula(c.value(r) ?? null));
  if (format === 'xlsx') {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: false,
      useStyles: false,
    });
    const ws = wb.addWorksheet('导出');
    ws.addRow(columns.map((c) => c.header)).commit();
    for await (const page of pages) {
      for (const r of page) {
        ws.addRow(values(r)).commit();
        n++;
      }
      // The zip writer does not wait for a slow reader: wait here, once a page.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    ws.commit();
    await wb.commit();
    return n;
  }
  const csv = stringify({
    bom: true,
    record_delimiter: 'windows',
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
  csv.pipe(out);
  const push = async (row: unknown[]) => {
    if (!csv.write(row)) await once(csv, 'drain');
  };
  await push(columns.map((c) => c.header));
  for await (const page of pages) {
    for (const r of page) {
      await push(values(r));
      n++;
    }
  }
  csv.end();
  await once(out, 'finish').catch(() => undefined);
  return n;
}
