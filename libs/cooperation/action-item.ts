import type { Jurisdiction } from '../common/request-context';

/**
 * The action plan's items (责任清单, DESIGN §15) as plain data and the rules on them: which fields
 * change only by agreement, when an item is overdue or at risk, and what a city's progress report
 * does to the item. No Nest, no SQL: the service asks these functions.
 */
export const ACTION_FIELDS = [
  'industry_investment',
  'park_building',
  'platform_sharing',
  'science_education',
  'major_strategy',
  'ecology',
  'promotion',
  'other',
] as const;
export type ActionField = (typeof ACTION_FIELDS)[number];

/** The cooperation fields as the seed agreement names them. */
export const ACTION_FIELD_NAMES: Record<ActionField, { zh: string; en: string }> = {
  industry_investment: { zh: '产业协同招商', en: 'Joint investment promotion' },
  park_building: { zh: '园区共建', en: 'Co-built parks' },
  platform_sharing: { zh: '平台共享', en: 'Shared platforms' },
  science_education: { zh: '科教创新', en: 'Science, education and innovation' },
  major_strategy: { zh: '重大战略协同', en: 'Major strategies' },
  ecology: { zh: '生态环境', en: 'Ecology and environment' },
  promotion: { zh: '宣传推介', en: 'Publicity and promotion' },
  other: { zh: '其他', en: 'Other' },
};

export const ACTION_STATUSES = ['not_started', 'in_progress', 'done', 'delayed', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_NAMES: Record<ActionStatus, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  done: '已完成',
  delayed: '滞后',
  cancelled: '已取消',
};
/** What a city may say of its own part in a report; `cancelled` is a scope change (agreement). */
export const REPORT_STATUSES = ['not_started', 'in_progress', 'done', 'delayed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Days before `dueAt` from which an open item counts as at risk (DESIGN §15). */
export const AT_RISK_DAYS = 30;

export interface ActionUnit {
  jurisdiction: Jurisdiction;
  unit: string;
  contactUserId?: string | null;
}

/** The fields of an item that bind both governments: they change only by agreement (§14). */
export const AGREED_FIELDS = ['title', 'scope', 'units', 'dueAt'] as const;
export type AgreedField = (typeof AGREED_FIELDS)[number];
export type ActionItemChange = Partial<{
  title: string;
  scope: string;
  units: ActionUnit[];
  dueAt: string;
}>;

export type Deadline = 'overdue' | 'at_risk' | 'on_track' | 'closed';

/** Overdue: past `dueAt` and not done; at risk: due within 30 days (days in Asia/Shanghai). */
export function deadlineOf(item: { dueAt: string; status: ActionStatus }, today: string): Deadline {
  if (item.status === 'done' || item.status === 'cancelled') return 'closed';
  if (item.dueAt < today) return 'overdue';
  return daysBetween(today, item.dueAt) <= AT_RISK_DAYS ? 'at_risk' : 'on_track';
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The cities that carry a part of the item (each reports on its own part). */
export function unitJurisdictions(units: readonly ActionUnit[]): Jurisdiction[] {
  return [...new Set(units.map((u) => u.jurisdiction))].sort();
}

/**
 * The item after one city's report: that city's progress replaces its previous figure; the item's
 * progress is the mean over the cities with a unit; it is done only when every such city reports
 * 100, delayed when any city says so, otherwise in progress once anyone has started.
 */
export function afterReport(
  item: {
    units: readonly ActionUnit[];
    progressBy: Partial<Record<Jurisdiction, number>>;
    status: ActionStatus;
  },
  report: { jurisdiction: Jurisdiction; progress: number; status?: ReportStatus },
  statusBy: Partial<Record<Jurisdiction, ReportStatus>> = {},
): { progress: number; progressBy: Partial<Record<Jurisdiction, number>>; status: ActionStatus } {
  const cities = unitJurisdictions(item.units);
  const progressBy = { ...item.progressBy, [report.jurisdiction]: report.progress };
  const progress = Math.round(
    cities.reduce((s, j) => s + (progressBy[j] ?? 0), 0) / Math.max(cities.length, 1),
  );
  const said = { ...statusBy, ...(report.status ? { [report.jurisdiction]: report.status } : {}) };
  let status: ActionStatus;
  if (cities.every((j) => (progressBy[j] ?? 0) >= 100)) status = 'done';
  else if (cities.some((j) => said[j] === 'delayed')) status = 'delayed';
  else if (progress > 0 || cities.some((j) => said[j] === 'in_progress' || said[j] === 'done'))
    status = 'in_progress';
  else status = 'not_started';
  return { progress: status === 'done' ? 100 : Math.min(progress, 99), progressBy, status };
}

/** Problems of a units list: at least one unit, named, of a known city. */
export function unitErrors(
  units: readonly ActionUnit[],
  field = 'units',
): { field: string; message: string }[] {
  if (!units.length) return [{ field, message: 'at least one responsible unit' }];
  return units.flatMap((u, i) =>
    u.unit.trim() ? [] : [{ field: `${field}[${i}].unit`, message: 'the unit is named' }],
  );
}
