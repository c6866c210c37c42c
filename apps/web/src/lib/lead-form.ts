import { type Locale, translate } from '../i18n/dict';
import { usccState } from './uscc';

export interface LeadFormValues {
  title?: string;
  investorName?: string;
  investorUscc?: string;
  investorCountry?: string;
  summary?: string;
  segments?: string[];
  plannedInvestmentWan?: number | null;
  landNeedMu?: number | null;
  expectedJobs?: number | null;
  stage?: string;
  source?: string;
  sharing?: boolean;
  confidential?: boolean;
  codeName?: string;
  nextActionAt?: string | null;
  contacts?: { name?: string; title?: string; phone?: string; email?: string }[];
}

export const USCC_MESSAGES = {
  typing: 'usccTyping',
  'bad-char': 'usccBadChar',
  'bad-check': 'usccBadCheck',
  'too-long': 'usccTooLong',
} as const;

/** Client-side checks before the server's (same rules, earlier feedback). Keys are form field names. */
export function validateLeadForm(values: LeadFormValues, locale: Locale): Record<string, string> {
  const errors: Record<string, string> = {};
  const t = (k: Parameters<typeof translate>[1], v?: Record<string, string>) => translate(locale, k, v);
  const required = (field: keyof LeadFormValues, labelKey: Parameters<typeof translate>[1]) => {
    const v = values[field];
    if (
      v === undefined ||
      v === null ||
      (typeof v === 'string' && !v.trim()) ||
      (Array.isArray(v) && !v.length)
    )
      errors[field] = t('required', { field: t(labelKey) });
  };
  required('title', 'title');
  required('investorName', 'investorName');
  required('segments', 'segments');
  const uscc = values.investorUscc?.trim();
  if (uscc) {
    const state = usccState(uscc);
    if (state !== 'valid' && state !== 'empty') errors.investorUscc = t(USCC_MESSAGES[state]);
  }
  for (const [field, key] of [
    ['plannedInvestmentWan', 'plannedInvestment'],
    ['landNeedMu', 'landNeed'],
    ['expectedJobs', 'expectedJobs'],
  ] as const) {
    const v = values[field];
    if (typeof v === 'number' && v < 0) errors[field] = t('mustBePositive', { field: t(key) });
  }
  if (values.confidential && !values.codeName?.trim())
    errors.codeName = t('required', { field: t('codeName') });
  values.contacts?.forEach((c, i) => {
    if (!c?.name?.trim()) errors[`contacts.${i}.name`] = t('required', { field: t('contactName') });
  });
  return errors;
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: string | null | undefined) => (v && v.trim() ? v.trim() : undefined);

/** The POST /leads body (DESIGN.md §4) from the form. */
export function toLeadBody(values: LeadFormValues): Record<string, unknown> {
  const investor: Record<string, string> = { name: values.investorName!.trim() };
  if (str(values.investorUscc)) investor.uscc = values.investorUscc!.trim().toUpperCase();
  if (str(values.investorCountry)) investor.country = values.investorCountry!.trim();
  const body: Record<string, unknown> = {
    title: values.title!.trim(),
    investor,
    segments: values.segments ?? [],
    sharing: values.sharing ? 'shared' : 'private',
    confidential: !!values.confidential,
  };
  const optional: Record<string, unknown> = {
    summary: str(values.summary),
    plannedInvestmentWan: num(values.plannedInvestmentWan),
    landNeedMu: num(values.landNeedMu),
    expectedJobs: num(values.expectedJobs),
    stage: str(values.stage),
    source: str(values.source),
    codeName: str(values.codeName),
    nextActionAt: values.nextActionAt || undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) body[k] = v;
  const contacts = (values.contacts ?? [])
    .filter((c) => c?.name?.trim())
    .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => typeof v === 'string' && v.trim())));
  if (contacts.length) body.contacts = contacts;
  return body;
}
