import { type DictKey, type Locale, translate } from '../i18n/dict';
import { type MilestoneFact, requiredFacts } from './milestones';
import { isStage } from './stages';
import { usccState } from './uscc';

/** A day from a date picker (dayjs) or typed as YYYY-MM-DD. */
export type DayValue = string | { format(template: string): string } | null;

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
  /** The promotion event, when the source is `event` (DESIGN §16). */
  eventId?: string | null;
  sharing?: boolean;
  confidential?: boolean;
  codeName?: string;
  nextActionAt?: string | null;
  contacts?: { name?: string; title?: string; phone?: string; email?: string }[];
  partnerSummary?: string;
  signedAt?: DayValue;
  contractAmountWan?: number | null;
  projectUscc?: string;
  startedAt?: DayValue;
  operatingAt?: DayValue;
}

const FACT_LABEL_KEYS: Record<MilestoneFact, DictKey> = {
  signedAt: 'signedAt',
  contractAmountWan: 'contractAmount',
  projectUscc: 'projectUscc',
  startedAt: 'startedAt',
  operatingAt: 'operatingAt',
};

/** The milestone facts a new lead at the form's stage must carry (DESIGN §6). */
export function formFacts(values: LeadFormValues): MilestoneFact[] {
  return isStage(values.stage) ? requiredFacts(values.stage) : [];
}

const day = (v: DayValue | undefined) =>
  !v ? undefined : typeof v === 'string' ? v : v.format('YYYY-MM-DD');

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
  for (const f of formFacts(values)) {
    const v = values[f];
    if (v === undefined || v === null || (typeof v === 'string' && !v.trim()))
      errors[f] = t('required', { field: t(FACT_LABEL_KEYS[f]) });
  }
  const project = values.projectUscc?.trim();
  if (project && formFacts(values).includes('projectUscc')) {
    const state = usccState(project);
    if (state !== 'valid') errors.projectUscc = t(USCC_MESSAGES[state as keyof typeof USCC_MESSAGES]);
  }
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
    eventId: values.source === 'event' ? str(values.eventId ?? undefined) : undefined,
    codeName: str(values.codeName),
    partnerSummary: str(values.partnerSummary),
    nextActionAt: values.nextActionAt || undefined,
  };
  // Only the facts the chosen stage needs: a stage changed back leaves no stray facts behind.
  for (const f of formFacts(values)) {
    if (f === 'contractAmountWan') optional[f] = num(values.contractAmountWan);
    else if (f === 'projectUscc') optional[f] = str(values.projectUscc)?.toUpperCase();
    else optional[f] = day(values[f]);
  }
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) body[k] = v;
  const contacts = (values.contacts ?? [])
    .filter((c) => c?.name?.trim())
    .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => typeof v === 'string' && v.trim())));
  if (contacts.length) body.contacts = contacts;
  return body;
}
