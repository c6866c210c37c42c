import { Typography } from 'antd';
import type { ReactNode } from 'react';
import type { AuditEntry } from '../api/types';
import { useI18n } from '../i18n/context';
import type { DictKey } from '../i18n/dict';
import { useTaxonomy } from '../taxonomy';
import { fmtDate, fmtNumber } from './common';

/** API field names of audit entries (DESIGN §4) → their label on forms. */
const FIELD_LABELS: Record<string, DictKey> = {
  title: 'title',
  investor: 'investor',
  'investor.name': 'investorName',
  'investor.uscc': 'uscc',
  'investor.country': 'country',
  'investor.enterpriseId': 'investor',
  summary: 'summary',
  segments: 'segments',
  industries: 'industry',
  plannedInvestmentWan: 'plannedInvestment',
  landNeedMu: 'landNeed',
  expectedJobs: 'expectedJobs',
  stage: 'stage',
  resumeStage: 'stage',
  ownerId: 'owner',
  sharing: 'shared',
  confidential: 'confidential',
  codeName: 'codeName',
  source: 'source',
  nextActionAt: 'nextActionAt',
  contacts: 'contacts',
  partnerSummary: 'partnerSummary',
  signedAt: 'signedAt',
  contractAmountWan: 'contractAmount',
  projectUscc: 'projectUscc',
  startedAt: 'startedAt',
  operatingAt: 'operatingAt',
  fundsInPlace: 'fundsInPlace',
  archivedAt: 'archivedAt',
  note: 'note',
  type: 'activityType',
  occurredAt: 'occurredAt',
};

/** Bookkeeping an entry may carry that says nothing to a reader. */
const HIDDEN = new Set([
  'investorNorm',
  'industries',
  'linkedLeadIds',
  'fundsInPlaceWan',
  'id',
  'jurisdiction',
]);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** One value of an audit entry as a reader understands it: labels, names, dates, amounts. */
export function useAuditValue(users: Map<string, string> = new Map()) {
  const { t, stage, enumLabel } = useI18n();
  const { segmentName } = useTaxonomy();
  const show = (field: string, v: unknown): ReactNode => {
    if (v === null || v === undefined || v === '') return '—';
    const key = field.split('.').pop()!;
    if (key === 'stage' || key === 'resumeStage') return stage(String(v));
    if (key === 'sharing' || key === 'source' || key === 'type') return enumLabel(String(v));
    if (key === 'ownerId' || key === 'leadId') return users.get(String(v)) ?? String(v).slice(0, 8);
    if (typeof v === 'boolean') return v ? t('yes') : t('no');
    if (typeof v === 'number') return fmtNumber(v, 2);
    if (typeof v === 'string') return ISO_TIME.test(v) ? fmtDate(v) : v;
    if (Array.isArray(v)) {
      if (key === 'segments' || key === 'industries')
        return v.map((s) => (key === 'segments' ? segmentName(String(s)) : String(s))).join('、');
      if (key === 'contacts')
        return v
          .map((c: { name?: string; phone?: string }) => [c.name, c.phone].filter(Boolean).join(' '))
          .join('；');
      if (key === 'fundsInPlace')
        return v
          .map((f: { at?: string; amountWan?: number }) => `${f.at} ${fmtNumber(f.amountWan, 2)}`)
          .join('；');
      if (key === 'externalRefs')
        return v.map((r: { system?: string; id?: string }) => `${r.system}:${r.id}`).join('、');
      return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('、');
    }
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (key === 'investor') return [o.name, o.uscc, o.country].filter(Boolean).join(' · ') || '—';
      return JSON.stringify(v);
    }
    return String(v);
  };
  return show;
}

/** The label of an audit field (its form label; the raw name when it has none). */
export function useAuditFieldLabel() {
  const { t } = useI18n();
  return (field: string) => (FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field);
}

/**
 * The changed fields of an audit entry, field by field: label, before → after (DESIGN §4 audit).
 * A created record lists only its values.
 */
export function AuditChanges(props: {
  changes: Record<string, { before: unknown; after: unknown }> | null | undefined;
  users?: Map<string, string>;
}) {
  const { t } = useI18n();
  const show = useAuditValue(props.users);
  const labelOf = useAuditFieldLabel();
  const empty = (v: unknown) => v === null || v === '' || (Array.isArray(v) && !v.length);
  // A created record lists the values it was created with, not every empty field.
  const rows = Object.entries(props.changes ?? {}).filter(
    ([f, c]) => !HIDDEN.has(f) && !(c.before === null && empty(c.after)),
  );
  if (!rows.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <table
      className="lc-audit-changes"
      data-testid="audit-changes"
      style={{ borderCollapse: 'collapse', width: '100%', tableLayout: 'fixed' }}
    >
      <thead>
        <tr>
          <th style={{ ...cell(true), width: '28%' }}>{t('field')}</th>
          <th style={{ ...cell(true), width: '36%' }}>{t('before')}</th>
          <th style={{ ...cell(true), width: '36%' }}>{t('after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([field, c]) => (
          <tr key={field} data-field={field}>
            <td style={cell()}>{labelOf(field)}</td>
            <td
              style={{
                ...cell(),
                color: '#8c8c8c',
                textDecoration: c.before === null ? undefined : 'line-through',
              }}
            >
              {show(field, c.before)}
            </td>
            <td style={cell()}>{show(field, c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const cell = (head = false) => ({
  padding: '2px 8px',
  borderBottom: '1px solid #f0f0f0',
  textAlign: 'left' as const,
  fontWeight: head ? 500 : 400,
  fontSize: 12,
  verticalAlign: 'top' as const,
  wordBreak: 'break-word' as const,
});

/** Who acted: the user's display name and city, an API key's name, or the system. */
export function AuditActor({ entry }: { entry: AuditEntry }) {
  const { t, enumLabel } = useI18n();
  const a = entry.actor;
  if (!a) return null;
  const who =
    a.type === 'system'
      ? t('systemActor')
      : a.type === 'api_key'
        ? `${t('apiKeyActor')} ${a.name ?? ''}`
        : (a.displayName ?? a.name ?? '');
  return (
    <span data-testid="audit-actor">
      {who}
      {a.jurisdiction && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          · {enumLabel(a.jurisdiction)}
        </Typography.Text>
      )}
    </span>
  );
}
