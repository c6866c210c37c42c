import { Alert, Empty, Spin, Tag, TreeSelect } from 'antd';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useBlocker } from 'react-router-dom';
import { App } from 'antd';
import { session } from '../api/session';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';
import { useTaxonomy } from '../taxonomy';

export function useSession() {
  return useSyncExternalStore(session.subscribe, () => session.user);
}

const STAGE_COLORS: Record<string, string> = {
  lead: 'default',
  contacted: 'blue',
  visited: 'cyan',
  negotiating: 'geekblue',
  signed: 'purple',
  registered: 'magenta',
  started: 'orange',
  operating: 'green',
  on_hold: 'gold',
  lost: 'red',
};

export function StageTag({ stage }: { stage: string }) {
  const { stage: label } = useI18n();
  return <Tag color={STAGE_COLORS[stage] ?? 'default'}>{label(stage)}</Tag>;
}

export function CityTag({ city }: { city: string }) {
  const { enumLabel } = useI18n();
  return <Tag color={city === 'beibei' ? 'volcano' : 'blue'}>{enumLabel(city)}</Tag>;
}

export function SegmentTags({ codes }: { codes: string[] }) {
  const { segmentName } = useTaxonomy();
  return (
    <>
      {codes.map((c) => (
        <Tag key={c}>{segmentName(c)}</Tag>
      ))}
    </>
  );
}

/** Segment picker grouped by industry and chain stage (上游/中游/下游); picking a group picks its segments. */
export function SegmentPicker(props: {
  value?: string[];
  onChange?: (v: string[]) => void;
  multiple?: boolean;
  id?: string;
  placeholder?: string;
  'aria-label'?: string;
}) {
  const { tree } = useTaxonomy();
  const { t } = useI18n();
  const multiple = props.multiple ?? true;
  return (
    <TreeSelect
      id={props.id}
      aria-label={props['aria-label'] ?? t('segments')}
      treeData={tree as never}
      value={multiple ? props.value : props.value?.[0]}
      onChange={(v: string | string[]) => props.onChange?.(Array.isArray(v) ? v : v ? [v] : [])}
      treeCheckable={multiple}
      showCheckedStrategy={TreeSelect.SHOW_CHILD}
      multiple={multiple}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      placeholder={props.placeholder ?? t('segments')}
      style={{ width: '100%' }}
      maxTagCount="responsive"
      listHeight={360}
    />
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} role="status" aria-live="polite">
      <Spin tip={t('loading')}>
        <div style={{ height: 40 }} />
      </Spin>
    </div>
  );
}

export function EmptyState() {
  const { t } = useI18n();
  return <Empty description={t('noData')} />;
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { locale } = useI18n();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      title={describeError(locale, error)}
      role="alert"
      style={{ marginBottom: 16 }}
    />
  );
}

/** Warns before losing typed work: on tab close (beforeunload) and on in-app navigation (route blocker). */
export function useUnsavedWarning(dirty: boolean) {
  const { t } = useI18n();
  // The App context's modal, not the static Modal.confirm: it follows the theme and locale.
  const { modal } = App.useApp();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const handler = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', handler);
    return () => window.removeEventListener('beforeunload', handler);
  }, [dirty]);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    modal.confirm({
      title: t('unsaved'),
      okText: t('leave'),
      cancelText: t('stay'),
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
  }, [blocker, t, modal]);
}

export function fmtNumber(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined) return '—';
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: digits });
}

export function fmtDate(v: string | null | undefined): string {
  if (!v) return '—';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toLocaleString('zh-CN', { hour12: false });
}

export function investorLabel(lead: { investor?: { name?: string | null }; codeName?: string | null }) {
  return lead.investor?.name || lead.codeName || '—';
}

/**
 * A cursor-paged list: the first page when the component mounts and whenever `fetchPage` changes
 * (its filters), the next one with `load(cursor)`. `load()` reloads from the start.
 */
export function useCursorList<T>(
  fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    async (after?: string) => {
      setError(null);
      try {
        const page = await fetchPage(after);
        setItems((prev) => (after ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        setError(e);
      }
    },
    [fetchPage],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return { items, setItems, cursor, error, load };
}
