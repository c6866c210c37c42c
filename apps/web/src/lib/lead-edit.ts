import type { Lead } from '../api/types';
import type { DictKey } from '../i18n/dict';

/**
 * The editable fields of a lead (DESIGN §4–6) in one normal form, so that the loaded lead, the
 * form and a newer version from the server compare field by field: text trimmed ('' → null),
 * days as YYYY-MM-DD, the next action as an ISO time, sharing as a boolean.
 */
export interface EditValues {
  title: string | null;
  investorName: string | null;
  investorUscc: string | null;
  investorCountry: string | null;
  summary: string | null;
  segments: string[];
  plannedInvestmentWan: number | null;
  landNeedMu: number | null;
  expectedJobs: number | null;
  source: string | null;
  nextActionAt: string | null;
  sharing: boolean;
  confidential: boolean;
  codeName: string | null;
  partnerSummary: string | null;
  contacts: { name: string; title?: string; phone?: string; email?: string }[];
  signedAt: string | null;
  contractAmountWan: number | null;
  projectUscc: string | null;
  startedAt: string | null;
  operatingAt: string | null;
}
export type EditField = keyof EditValues;

/** In form order; the labels the form and the conflict list show. */
export const EDIT_FIELDS: { field: EditField; label: DictKey }[] = [
  { field: 'title', label: 'title' },
  { field: 'investorName', label: 'investorName' },
  { field: 'investorUscc', label: 'uscc' },
  { field: 'investorCountry', label: 'country' },
  { field: 'segments', label: 'segments' },
  { field: 'summary', label: 'summary' },
  { field: 'plannedInvestmentWan', label: 'plannedInvestment' },
  { field: 'landNeedMu', label: 'landNeed' },
  { field: 'expectedJobs', label: 'expectedJobs' },
  { field: 'source', label: 'source' },
  { field: 'nextActionAt', label: 'nextActionAt' },
  { field: 'sharing', label: 'shared' },
  { field: 'confidential', label: 'confidential' },
  { field: 'codeName', label: 'codeName' },
  { field: 'partnerSummary', label: 'partnerSummary' },
  { field: 'contacts', label: 'contacts' },
  { field: 'signedAt', label: 'signedAt' },
  { field: 'contractAmountWan', label: 'contractAmount' },
  { field: 'projectUscc', label: 'projectUscc' },
  { field: 'startedAt', label: 'startedAt' },
  { field: 'operatingAt', label: 'operatingAt' },
];

/** A value as it comes from a form control: text, number, dayjs, array, boolean. */
type Raw = unknown;

const text = (v: Raw): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const num = (v: Raw): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isDayjs = (v: Raw): v is { format(f: string): string; toISOString(): string } =>
  typeof v === 'object' && v !== null && typeof (v as { format?: unknown }).format === 'function';
const day = (v: Raw): string | null =>
  isDayjs(v) ? v.format('YYYY-MM-DD') : typeof v === 'string' && v ? v.slice(0, 10) : null;
const instant = (v: Raw): string | null =>
  isDayjs(v) ? v.toISOString() : typeof v === 'string' && v ? new Date(v).toISOString() : null;
const contactsOf = (v: Raw): EditValues['contacts'] =>
  (Array.isArray(v) ? v : [])
    .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object' && !!text(c.name))
    .map((c) => {
      const out: EditValues['contacts'][number] = { name: text(c.name)! };
      for (const k of ['title', 'phone', 'email'] as const) if (text(c[k])) out[k] = text(c[k])!;
      return out;
    });

/** The lead's editable fields, normalised. */
export function leadToEdit(lead: Lead): EditValues {
  return normalise({
    title: lead.title,
    investorName: lead.investor?.name,
    investorUscc: lead.investor?.uscc,
    investorCountry: lead.investor?.country,
    summary: lead.summary,
    segments: lead.segments,
    plannedInvestmentWan: lead.plannedInvestmentWan,
    landNeedMu: lead.landNeedMu,
    expectedJobs: lead.expectedJobs,
    source: lead.source,
    nextActionAt: lead.nextActionAt,
    sharing: lead.sharing === 'shared',
    confidential: lead.confidential,
    codeName: lead.codeName,
    partnerSummary: lead.partnerSummary,
    contacts: lead.contacts,
    signedAt: lead.signedAt,
    contractAmountWan: lead.contractAmountWan,
    projectUscc: lead.projectUscc,
    startedAt: lead.startedAt,
    operatingAt: lead.operatingAt,
  });
}

/** Form values (or a lead's) in the normal form. */
export function normalise(v: Partial<Record<EditField, Raw>>): EditValues {
  return {
    title: text(v.title),
    investorName: text(v.investorName),
    investorUscc: text(v.investorUscc)?.toUpperCase() ?? null,
    investorCountry: text(v.investorCountry),
    summary: text(v.summary),
    segments: Array.isArray(v.segments) ? (v.segments as string[]) : [],
    plannedInvestmentWan: num(v.plannedInvestmentWan),
    landNeedMu: num(v.landNeedMu),
    expectedJobs: num(v.expectedJobs),
    source: text(v.source),
    nextActionAt: instant(v.nextActionAt),
    sharing: !!v.sharing,
    confidential: !!v.confidential,
    codeName: text(v.codeName),
    partnerSummary: text(v.partnerSummary),
    contacts: contactsOf(v.contacts),
    signedAt: day(v.signedAt),
    contractAmountWan: num(v.contractAmountWan),
    projectUscc: text(v.projectUscc)?.toUpperCase() ?? null,
    startedAt: day(v.startedAt),
    operatingAt: day(v.operatingAt),
  };
}

export const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields that differ between two versions. */
export function changedFields(a: EditValues, b: EditValues): EditField[] {
  return EDIT_FIELDS.map((f) => f.field).filter((f) => !sameValue(a[f], b[f]));
}

/** The PATCH body that sets `fields` to their values in `v` (DESIGN §4 field names). */
export function patchBody(v: EditValues, fields: readonly EditField[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const investor: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'investorName') investor.name = v.investorName;
    else if (f === 'investorUscc') investor.uscc = v.investorUscc;
    else if (f === 'investorCountry') investor.country = v.investorCountry;
    else if (f === 'sharing') body.sharing = v.sharing ? 'shared' : 'private';
    else if (f === 'plannedInvestmentWan') body[f] = v[f] ?? 0;
    else body[f] = v[f];
  }
  if (Object.keys(investor).length) body.investor = investor;
  return body;
}

/** One field the other person changed while the user edited. */
export interface EditConflict {
  field: EditField;
  label: DictKey;
  /** What the user saw when they started. */
  base: EditValues[EditField];
  /** What the user has in the form. */
  mine: EditValues[EditField];
  /** What the lead holds now. */
  theirs: EditValues[EditField];
  /** The user changed it too (to something else): they must choose. */
  both: boolean;
}

/**
 * After a 412: every field the other person changed since `base`, with the user's value next
 * to theirs. Fields only the user changed are not listed (they are saved as they are).
 */
export function editConflicts(base: EditValues, mine: EditValues, theirs: EditValues): EditConflict[] {
  return EDIT_FIELDS.filter(({ field }) => !sameValue(base[field], theirs[field])).map(
    ({ field, label }) => ({
      field,
      label,
      base: base[field],
      mine: mine[field],
      theirs: theirs[field],
      both: !sameValue(base[field], mine[field]) && !sameValue(mine[field], theirs[field]),
    }),
  );
}

/**
 * The values to save after the user chose, per conflicting field, `mine` or `theirs` (unlisted
 * fields: the user's own edit where they made one, else theirs): the merged values and the
 * fields to PATCH against the new version.
 */
export function resolveConflicts(
  base: EditValues,
  mine: EditValues,
  theirs: EditValues,
  choice: Partial<Record<EditField, 'mine' | 'theirs'>>,
): { values: EditValues; fields: EditField[] } {
  const merged = { ...theirs } as Record<EditField, unknown>;
  for (const { field } of EDIT_FIELDS) {
    const iChanged = !sameValue(base[field], mine[field]);
    const theyChanged = !sameValue(base[field], theirs[field]);
    const pick = choice[field] ?? (theyChanged ? 'theirs' : iChanged ? 'mine' : 'theirs');
    if (pick === 'mine') merged[field] = mine[field];
  }
  const values = merged as unknown as EditValues;
  return { values, fields: changedFields(theirs, values) };
}
