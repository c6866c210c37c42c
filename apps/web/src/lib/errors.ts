import type { ApiError } from '../api/client';
import { type DictKey, type Locale, translate } from '../i18n/dict';

/** Field names the server uses → the label the user saw on the form. */
const FIELD_LABELS: Record<string, DictKey> = {
  title: 'title',
  'investor.name': 'investorName',
  'investor.uscc': 'uscc',
  'investor.country': 'country',
  investor: 'investor',
  summary: 'summary',
  segments: 'segments',
  plannedInvestmentWan: 'plannedInvestment',
  landNeedMu: 'landNeed',
  expectedJobs: 'expectedJobs',
  source: 'source',
  nextActionAt: 'nextActionAt',
  codeName: 'codeName',
  stage: 'stage',
  name: 'name',
  uscc: 'uscc',
  username: 'username',
  password: 'password',
  displayName: 'displayName',
  url: 'url',
  events: 'events',
  scopes: 'scopes',
  note: 'note',
  summary_: 'summary',
  signedAt: 'signedAt',
  contractAmountWan: 'contractAmount',
  projectUscc: 'projectUscc',
  startedAt: 'startedAt',
  operatingAt: 'operatingAt',
  fundsInPlace: 'fundsInPlace',
  partnerSummary: 'partnerSummary',
};

export function fieldLabel(locale: Locale, field: string): string {
  const key = FIELD_LABELS[field] ?? FIELD_LABELS[field.replace(/\.\d+\./, '.').replace(/\[\d+\]/g, '')];
  if (key) return translate(locale, key);
  if (field.startsWith('contacts')) return translate(locale, 'contacts');
  if (field.startsWith('fundsInPlace')) return translate(locale, 'fundsInPlace');
  return field;
}

/** A plain-language message for an API error, naming the fields at fault. */
export function describeError(locale: Locale, error: unknown): string {
  const e = error as ApiError;
  if (!e || typeof e !== 'object' || !('status' in e)) {
    return translate(locale, 'errorGeneric', { message: String((error as Error)?.message ?? error) });
  }
  if (e.status === 0) return translate(locale, 'errorNetwork');
  const retryAfter = Number(e.body?.retryAfterSeconds ?? 60);
  if (e.body?.code === 'LOGIN_RATE_LIMITED')
    return translate(locale, 'errorLoginLimited', { minutes: Math.max(1, Math.ceil(retryAfter / 60)) });
  if (e.status === 429) return translate(locale, 'errorRateLimited', { seconds: retryAfter });
  if (e.body?.code === 'LOGIN_UNAVAILABLE') return translate(locale, 'errorLoginUnavailable');
  if (e.status === 413) return translate(locale, 'errorTooLarge');
  const details = e.body?.details;
  if (Array.isArray(details) && details.length) {
    return details
      .map((d) => translate(locale, 'fieldError', { field: fieldLabel(locale, d.field), message: d.message }))
      .join('；');
  }
  if (e.status === 401) return translate(locale, 'sessionExpired');
  if (e.status === 403) return translate(locale, 'errorForbidden');
  if (e.status === 404) return translate(locale, 'errorNotFound');
  if (e.status === 412)
    return translate(locale, 'conflict', { version: String(e.body?.currentVersion ?? '?') });
  return translate(locale, 'errorGeneric', { message: e.message });
}

/** Server field errors as antd Form fields ([{name, errors}]). */
export function formFieldErrors(
  locale: Locale,
  error: unknown,
): { name: (string | number)[]; errors: string[] }[] {
  const details = (error as ApiError)?.body?.details;
  if (!Array.isArray(details)) return [];
  return details.map((d) => ({
    name: d.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    errors: [d.message || fieldLabel(locale, d.field)],
  }));
}

/** Allowed stages carried by a 409 from POST /leads/:id/stage. */
export function allowedFromError(error: unknown): string[] | null {
  const body = (error as ApiError)?.body;
  if (!body) return null;
  const list = body.allowed ?? body.allowedStages ?? (body as { allowedNext?: string[] }).allowedNext;
  return Array.isArray(list) ? list : null;
}
