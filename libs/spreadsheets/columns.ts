import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import { LEAD_STAGES } from '../leads/lead-stage';
import { LEAD_SOURCES, SHARINGS } from '../sync/item-validation';
import {
  CellValue,
  cellText,
  headerKey,
  readBoolean,
  readDateTime,
  readDay,
  readNumber,
  scaleAmount,
  splitList,
} from './cells';

/**
 * The columns of the spreadsheets (DESIGN §17): the template's Chinese headers, what offices type
 * instead (企业名称 / 公司名称, 计划投资（亿元）…), and how a cell becomes a field of the sync
 * item. The rules a value must satisfy are not here: the item goes through the sync validation
 * (libs/sync/item-validation.ts), and its errors come back to the column by `field`.
 */
export type ImportEntity = 'lead' | 'enterprise' | 'park';
export const IMPORT_ENTITIES: readonly ImportEntity[] = ['lead', 'enterprise', 'park'];
/** Entities with a bulk write path: leads and enterprises (libs/sync), parks (ParkService.importMany). */
export const IMPORTABLE_ENTITIES: readonly ImportEntity[] = ['lead', 'enterprise', 'park'];

export type ColumnKind =
  | 'text'
  | 'number'
  | 'amount'
  | 'day'
  | 'datetime'
  | 'boolean'
  | 'segments'
  | 'stage'
  | 'source'
  | 'sharing'
  | 'jurisdictions';

export interface ColumnDef {
  /** The item field (path) the column fills; errors of this field (or below it) land here. */
  field: string;
  header: string;
  headerEn: string;
  aliases?: string[];
  kind: ColumnKind;
  required?: boolean;
  note: string;
  example: string | number;
}

export const STAGE_NAMES: Record<string, string> = {
  lead: '线索',
  contacted: '接洽',
  visited: '考察',
  negotiating: '洽谈',
  signed: '签约',
  registered: '注册落地',
  started: '开工',
  operating: '投产',
  on_hold: '搁置',
  lost: '流失',
};
export const SOURCE_NAMES: Record<string, string> = {
  referral: '推荐',
  event: '活动',
  inbound: '主动来访',
  partner_system: '合作方系统',
  research: '产业研究',
  other: '其他',
};
const SOURCE_ALIASES: Record<string, string> = {
  来访: 'inbound',
  调研: 'research',
  伙伴系统: 'partner_system',
};
export const SHARING_NAMES: Record<string, string> = { private: '不共享', shared: '共享' };
const SHARING_ALIASES: Record<string, string> = { 私有: 'private', 已共享: 'shared', 共享给对方: 'shared' };
export const JURISDICTION_NAMES: Record<string, string> = { beibei: '北碚区', mianyang: '绵阳市' };

const EXTERNAL_ID: ColumnDef = {
  field: 'externalRef',
  header: '外部编号',
  headerEn: 'External ID',
  aliases: ['编号', '项目编号', '序号ID', 'externalId'],
  kind: 'text',
  note: '本单位系统里的编号；再次导入同一编号即更新该条。留空时按统一社会信用代码（或投资方名称＋项目名称）识别。',
  example: 'BB-2025-001',
};

export const LEAD_COLUMNS: ColumnDef[] = [
  EXTERNAL_ID,
  {
    field: 'title',
    header: '项目名称',
    headerEn: 'Title',
    aliases: ['项目', '线索名称', 'title'],
    kind: 'text',
    required: true,
    note: '必填，最多 200 字。',
    example: '动力电池电芯生产基地',
  },
  {
    field: 'investor.name',
    header: '投资方名称',
    headerEn: 'Investor',
    aliases: ['企业名称', '公司名称', '投资方', '投资企业', '投资主体', 'investor'],
    kind: 'text',
    required: true,
    note: '必填：投资企业全称。',
    example: '重庆某某新能源科技有限公司',
  },
  {
    field: 'investor.uscc',
    header: '统一社会信用代码',
    headerEn: 'USCC',
    aliases: ['信用代码', '社会信用代码', 'uscc'],
    kind: 'text',
    note: '18 位统一社会信用代码（GB 32100-2015），可留空。',
    example: '91500109MA5U7N9X2L',
  },
  {
    field: 'investor.country',
    header: '投资方国别',
    headerEn: 'Country',
    aliases: ['国别', '国家'],
    kind: 'text',
    note: '可留空。',
    example: '中国',
  },
  {
    field: 'segments',
    header: '产业环节',
    headerEn: 'Segments',
    aliases: ['产业链环节', '细分领域', '环节', 'segments'],
    kind: 'segments',
    required: true,
    note: '必填：从下拉列表选择，多个用顿号、逗号或分号分隔；也可填环节代码。',
    example: '',
  },
  {
    field: 'plannedInvestmentWan',
    header: '计划投资（万元）',
    headerEn: 'Planned investment (10k CNY)',
    aliases: ['计划投资', '投资额（万元）', '计划投资额（万元）', '总投资（万元）'],
    kind: 'amount',
    note: '单位万元；列名写“（亿元）”时按亿元换算。',
    example: 50000,
  },
  {
    field: 'landNeedMu',
    header: '用地需求（亩）',
    headerEn: 'Land need (mu)',
    aliases: ['用地（亩）', '用地需求'],
    kind: 'number',
    note: '可留空。',
    example: 120,
  },
  {
    field: 'expectedJobs',
    header: '预计就业（人）',
    headerEn: 'Expected jobs',
    aliases: ['预计就业', '就业人数', '带动就业'],
    kind: 'number',
    note: '整数，可留空。',
    example: 800,
  },
  {
    field: 'stage',
    header: '阶段',
    headerEn: 'Stage',
    aliases: ['项目阶段', '进展阶段', 'stage'],
    kind: 'stage',
    note: '从下拉列表选择，默认“线索”。签约及以后的阶段须填对应的里程碑信息。',
    example: '洽谈',
  },
  {
    field: 'sharing',
    header: '是否共享',
    headerEn: 'Sharing',
    aliases: ['共享', 'sharing'],
    kind: 'sharing',
    note: '“共享”或“不共享”，默认不共享。',
    example: '共享',
  },
  {
    field: 'confidential',
    header: '是否保密',
    headerEn: 'Confidential',
    aliases: ['保密'],
    kind: 'boolean',
    note: '是／否；保密的须填代号。',
    example: '否',
  },
  {
    field: 'codeName',
    header: '代号',
    headerEn: 'Code name',
    aliases: ['项目代号'],
    kind: 'text',
    note: '保密项目对对方城市显示的名称。',
    example: '',
  },
  {
    field: 'source',
    header: '来源',
    headerEn: 'Source',
    aliases: ['线索来源', 'source'],
    kind: 'source',
    note: '从下拉列表选择，默认“合作方系统”。',
    example: '推荐',
  },
  {
    field: 'summary',
    header: '项目简介',
    headerEn: 'Summary',
    aliases: ['简介', '项目概况', '备注'],
    kind: 'text',
    note: '可留空。',
    example: '拟建 10GWh 电芯产线',
  },
  {
    field: 'partnerSummary',
    header: '对方城市可见简介',
    headerEn: 'Partner summary',
    aliases: ['对外简介'],
    kind: 'text',
    note: '保密项目给对方城市看的简介。',
    example: '',
  },
  {
    field: 'nextActionAt',
    header: '下次跟进日期',
    headerEn: 'Next action',
    aliases: ['下次跟进', '跟进日期'],
    kind: 'datetime',
    note: '日期，如 2025-03-01。',
    example: '2025-03-01',
  },
  {
    field: 'contacts[0].name',
    header: '联系人',
    headerEn: 'Contact',
    aliases: ['联系人姓名'],
    kind: 'text',
    note: '联系人只在本市可见。',
    example: '张经理',
  },
  {
    field: 'contacts[0].title',
    header: '联系人职务',
    headerEn: 'Contact title',
    aliases: ['职务'],
    kind: 'text',
    note: '',
    example: '投资总监',
  },
  {
    field: 'contacts[0].phone',
    header: '联系电话',
    headerEn: 'Contact phone',
    aliases: ['电话', '手机'],
    kind: 'text',
    note: '',
    example: '13800000000',
  },
  {
    field: 'contacts[0].email',
    header: '联系邮箱',
    headerEn: 'Contact email',
    aliases: ['邮箱', '电子邮箱'],
    kind: 'text',
    note: '',
    example: 'zhang@example.com',
  },
  {
    field: 'signedAt',
    header: '签约日期',
    headerEn: 'Signed at',
    kind: 'day',
    note: '阶段为签约及以后时必填。',
    example: '',
  },
  {
    field: 'contractAmountWan',
    header: '签约额（万元）',
    headerEn: 'Contract amount (10k CNY)',
    aliases: ['签约金额（万元）', '合同金额（万元）'],
    kind: 'amount',
    note: '阶段为签约及以后时必填。',
    example: '',
  },
  {
    field: 'projectUscc',
    header: '项目公司信用代码',
    headerEn: 'Project company USCC',
    aliases: ['项目公司统一社会信用代码'],
    kind: 'text',
    note: '阶段为注册落地及以后时必填。',
    example: '',
  },
  {
    field: 'startedAt',
    header: '开工日期',
    headerEn: 'Started at',
    kind: 'day',
    note: '阶段为开工及以后时必填。',
    example: '',
  },
  {
    field: 'operatingAt',
    header: '投产日期',
    headerEn: 'Operating at',
    kind: 'day',
    note: '阶段为投产时必填。',
    example: '',
  },
];

export const ENTERPRISE_COLUMNS: ColumnDef[] = [
  EXTERNAL_ID,
  {
    field: 'name',
    header: '企业名称',
    headerEn: 'Name',
    aliases: ['公司名称', '企业全称', '单位名称', 'name'],
    kind: 'text',
    required: true,
    note: '必填：企业全称。',
    example: '绵阳某某电子材料有限公司',
  },
  {
    field: 'uscc',
    header: '统一社会信用代码',
    headerEn: 'USCC',
    aliases: ['信用代码', '社会信用代码', 'uscc'],
    kind: 'text',
    note: '18 位代码；没有外部编号时按它识别企业。',
    example: '91510700MA6BXXXX0Q',
  },
  {
    field: 'segments',
    header: '产业环节',
    headerEn: 'Segments',
    aliases: ['主营环节', '产业链环节', 'segments'],
    kind: 'segments',
    required: true,
    note: '必填：企业生产的环节，从下拉列表选择，多个用顿号分隔。',
    example: '',
  },
  {
    field: 'needs',
    header: '采购需求环节',
    headerEn: 'Needs',
    aliases: ['需求环节', '采购环节', 'needs'],
    kind: 'segments',
    note: '企业需要采购的环节，可留空。',
    example: '',
  },
  {
    field: 'chainLeader',
    header: '是否链主',
    headerEn: 'Chain leader',
    aliases: ['链主', '链主企业'],
    kind: 'boolean',
    note: '是／否。',
    example: '否',
  },
  {
    field: 'revenueWan',
    header: '营业收入（万元）',
    headerEn: 'Revenue (10k CNY)',
    aliases: ['营收（万元）', '营业收入', '年营收（万元）'],
    kind: 'amount',
    note: '单位万元；列名写“（亿元）”时按亿元换算。',
    example: 32000,
  },
  {
    field: 'employees',
    header: '员工人数',
    headerEn: 'Employees',
    aliases: ['从业人数', '职工人数'],
    kind: 'number',
    note: '整数。',
    example: 450,
  },
  {
    field: 'address',
    header: '地址',
    headerEn: 'Address',
    aliases: ['注册地址', '企业地址'],
    kind: 'text',
    note: '',
    example: '绵阳市涪城区',
  },
  {
    field: 'tags',
    header: '标签',
    headerEn: 'Tags',
    kind: 'text',
    note: '多个用顿号分隔。',
    example: '专精特新',
  },
];

export const PARK_COLUMNS: ColumnDef[] = [
  {
    field: 'name',
    header: '园区名称',
    headerEn: 'Name',
    aliases: ['园区', '载体名称', 'name'],
    kind: 'text',
    required: true,
    note: '必填；按名称识别园区：已有同名园区时更新它（空单元格保留原值），否则新建。',
    example: '北碚某某产业园',
  },
  { field: 'nameEn', header: '英文名称', headerEn: 'English name', kind: 'text', note: '', example: '' },
  {
    field: 'jurisdictions',
    header: '所属区域',
    headerEn: 'Jurisdictions',
    kind: 'jurisdictions',
    note: '北碚区／绵阳市；共建园区由两市协议确定。',
    example: '北碚区',
  },
  {
    field: 'targetSegments',
    header: '主导产业环节',
    headerEn: 'Target segments',
    aliases: ['目标环节', '产业环节'],
    kind: 'segments',
    note: '从下拉列表选择，多个用顿号分隔。',
    example: '',
  },
  {
    field: 'availableLandMu',
    header: '可用土地（亩）',
    headerEn: 'Available land (mu)',
    kind: 'number',
    note: '',
    example: 300,
  },
  {
    field: 'factorySpaceSqm',
    header: '标准厂房（平方米）',
    headerEn: 'Factory space (sqm)',
    kind: 'number',
    note: '',
    example: 20000,
  },
  { field: 'incentives', header: '优惠政策', headerEn: 'Incentives', kind: 'text', note: '', example: '' },
];

export function columnsOf(entity: ImportEntity): ColumnDef[] {
  return entity === 'lead' ? LEAD_COLUMNS : entity === 'enterprise' ? ENTERPRISE_COLUMNS : PARK_COLUMNS;
}

/** A file column recognised as one of ours, with the factor its unit needs (亿元 → 万元). */
export interface MappedColumn {
  index: number;
  header: string;
  column: ColumnDef;
  factor: number;
}

/** Maps the headers of a file to columns; headers we do not know are returned to be reported. */
export function mapHeaders(
  entity: ImportEntity,
  headers: string[],
): { mapped: MappedColumn[]; ignored: string[] } {
  const byKey = new Map<string, ColumnDef>();
  for (const c of columnsOf(entity))
    for (const name of [c.field, c.header, c.headerEn, ...(c.aliases ?? [])]) byKey.set(headerKey(name), c);
  const mapped: MappedColumn[] = [];
  const ignored: string[] = [];
  const taken = new Set<string>();
  headers.forEach((header, index) => {
    if (!header.trim()) return;
    const k = headerKey(header);
    let column = byKey.get(k);
    let factor = 1;
    if (!column && k.includes('亿元')) {
      column = byKey.get(k.replace('亿元', '万元'));
      factor = 10_000;
    }
    if (!column || taken.has(column.field)) return void ignored.push(header);
    taken.add(column.field);
    mapped.push({ index, header, column, factor });
  });
  return { mapped, ignored };
}

/** Segment codes by code, Chinese name and English name. */
export function segmentLookup(graph: TaxonomyGraph): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of graph.taxonomy.segments) {
    m.set(s.code.toLowerCase(), s.code);
    m.set(headerKey(s.name), s.code);
    if (s.nameEn) m.set(headerKey(s.nameEn), s.code);
  }
  return m;
}

function byName(names: Record<string, string>, aliases: Record<string, string> = {}) {
  const m = new Map<string, string>();
  for (const [code, name] of Object.entries(names)) {
    m.set(code, code);
    m.set(name, code);
  }
  for (const [name, code] of Object.entries(aliases)) m.set(name, code);
  return (v: CellValue) => {
    const t = cellText(v).trim();
    return m.get(t) ?? m.get(t.toLowerCase()) ?? t;
  };
}
const readStage = byName(STAGE_NAMES);
const readSource = byName(SOURCE_NAMES, SOURCE_ALIASES);
const readSharing = byName(SHARING_NAMES, SHARING_ALIASES);
const readJurisdiction = byName(JURISDICTION_NAMES, { 北碚: 'beibei', 绵阳: 'mianyang' });

/** Sets `a.b`, `a[0].b` on a plain object. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').flatMap((p) => {
    const m = /^(\w+)\[(\d+)\]$/.exec(p);
    return m ? [m[1], Number(m[2])] : [p];
  });
  let cur: Record<string | number, unknown> = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i];
    if (cur[key] === undefined) cur[key] = typeof parts[i + 1] === 'number' ? [] : {};
    cur = cur[key] as Record<string | number, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

function cellToValue(c: MappedColumn, v: CellValue, segments: Map<string, string>): unknown {
  switch (c.column.kind) {
    case 'text':
      return c.column.field === 'tags' ? splitList(v) : cellText(v).trim();
    case 'number':
      return readNumber(v);
    case 'amount':
      return scaleAmount(readNumber(v), c.factor);
    case 'day':
      return readDay(v);
    case 'datetime':
      return readDateTime(v);
    case 'boolean':
      return readBoolean(v);
    case 'segments':
      return splitList(v).map((s) => segments.get(headerKey(s)) ?? segments.get(s.toLowerCase()) ?? s);
    case 'stage':
      return readStage(v);
    case 'source':
      return readSource(v);
    case 'sharing':
      return readSharing(v);
    case 'jurisdictions':
      return splitList(v).map((s) => readJurisdiction(s));
  }
}

/** The system name of the external refs an import gives its records (DESIGN §11 externalRef). */
export const IMPORT_REF_SYSTEM = 'spreadsheet';

/**
 * One data row as the sync item of its entity. Empty cells are left out (the item is the record:
 * the sync rules apply their defaults). A lead without 外部编号 is keyed by its investor's USCC, or
 * by investor name and title, so importing the same sheet twice changes nothing.
 */
export function rowToItem(
  entity: ImportEntity,
  cells: CellValue[],
  mapped: MappedColumn[],
  segments: Map<string, string>,
): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  let externalId: string | null = null;
  for (const c of mapped) {
    const v = cells[c.index] ?? null;
    if (v === null || cellText(v).trim() === '') continue;
    if (c.column.field === 'externalRef') {
      externalId = cellText(v).trim();
      continue;
    }
    setPath(item, c.column.field, cellToValue(c, v, segments));
  }
  if (entity === 'lead') {
    const inv = (item.investor ?? {}) as Record<string, unknown>;
    const id =
      externalId ??
      (typeof inv.uscc === 'string' && inv.uscc
        ? `uscc:${inv.uscc.toUpperCase()}`
        : `name:${String(inv.name ?? '').trim()}|${String(item.title ?? '').trim()}`);
    item.externalRef = { system: IMPORT_REF_SYSTEM, id: id.slice(0, 200) };
  } else if (entity === 'enterprise' && externalId) {
    item.externalRef = { system: IMPORT_REF_SYSTEM, id: externalId.slice(0, 200) };
  }
  return item;
}

/** The key that makes two rows of one file the same record (as two items of one sync request). */
export function rowKey(entity: ImportEntity, item: Record<string, unknown>): string | null {
  const ref = item.externalRef as { system: string; id: string } | undefined;
  if (ref) return `ref:${ref.system}:${ref.id}`;
  if (entity === 'enterprise' && typeof item.uscc === 'string') return `uscc:${item.uscc.toUpperCase()}`;
  if (entity === 'park' && typeof item.name === 'string' && item.name.trim())
    return `name:${item.name.trim()}`;
  return null;
}

/** The header of the column an error of the sync validation belongs to ('' for the row). */
export function columnOfField(field: string, mapped: MappedColumn[], entity: ImportEntity): string {
  let best: MappedColumn | null = null;
  for (const c of mapped) {
    const f = c.column.field;
    if (field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`) || f.startsWith(`${field}.`)) {
      if (!best || f.length > best.column.field.length) best = c;
    }
  }
  if (best) return best.header;
  const col = columnsOf(entity).find(
    (c) => field === c.field || field.startsWith(`${c.field}[`) || field.startsWith(`${c.field}.`),
  );
  return col ? col.header : field;
}

export const STAGE_CODES = LEAD_STAGES;
export { LEAD_SOURCES, SHARINGS };
