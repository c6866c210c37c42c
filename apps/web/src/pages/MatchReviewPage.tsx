import { ExportButton } from '../components/ExportButton';
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { matches as matchesApi } from '../api/endpoints';
import type { MatchItem } from '../api/types';
import { CityTag, EmptyState, ErrorAlert, useCursorList } from '../components/common';
import { MatchReasons } from '../components/MatchReasons';
import { useI18n } from '../i18n/context';
import type { DictKey } from '../i18n/dict';
import { describeError } from '../lib/errors';
import { useTaxonomy } from '../taxonomy';

interface Filters {
  industry?: string;
  kind?: string;
  leadId?: string;
  minScore?: number;
  maxScore?: number;
}

/** A row of the table: a match, or (grouped by lead) a lead with its matches as children. */
type Row = MatchItem & { children?: MatchItem[]; group?: true };

const GROUP = 'lead:';

/** Why the server refused one match of a bulk decision, by its code. */
const REFUSED: Record<string, DictKey> = {
  MATCH_NOT_FOUND: 'refusedNotFound',
  MATCH_WITHDRAWN: 'refusedWithdrawn',
  MATCH_DECISION_FORBIDDEN: 'refusedForbidden',
};

/** Refused ids of a bulk decision (422 details `ids[<index>]`) with the reason of each. */
function refusedOf(e: unknown, ids: string[], t: (k: DictKey) => string): Map<string, string> {
  const out = new Map<string, string>();
  if (!(e instanceof ApiError) || e.status !== 422) return out;
  const details =
    (e.body as { details?: { field: string; message: string; code?: string }[] } | undefined)?.details ?? [];
  for (const d of details) {
    const m = /^ids\[(\d+)\]$/.exec(d.field);
    const why = d.code && REFUSED[d.code] ? t(REFUSED[d.code]) : d.message.replace(/^[0-9a-f-]{36}:\s*/, '');
    if (m && ids[Number(m[1])]) out.set(ids[Number(m[1])], why);
  }
  return out;
}

/**
 * Managers' queue of proposed matches: filter by industry, kind, lead and score; select many and
 * accept or reject them at once (all or none, POST /matches/decisions); group by lead. Keys: a
 * accepts, r rejects the highlighted one, j/k move the highlight, n goes to the note.
 */
export default function MatchReviewPage() {
  const { t, locale, enumLabel, named } = useI18n();
  const { message } = App.useApp();
  const { data: tax } = useTaxonomy();
  const [filters, setFilters] = useState<Filters>({});
  const [grouped, setGrouped] = useState(false);
  const [selected, setSelected] = useState(0);
  const [checked, setChecked] = useState<string[]>([]);
  const [refused, setRefused] = useState<Map<string, string>>(new Map());
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const noteRef = useRef<HTMLInputElement | null>(null);
  /** Leads seen in the queue, so the lead filter keeps its options while it narrows the list. */
  const [leadsSeen, setLeadsSeen] = useState<Map<string, string>>(new Map());

  const fetchPage = useCallback(
    async (after?: string) => {
      const page = await matchesApi.list({ status: 'proposed', limit: 50, cursor: after, ...filters });
      if (!after) {
        setSelected(0);
        setChecked([]);
        setRefused(new Map());
      }
      setLeadsSeen((prev) => {
        const next = new Map(prev);
        for (const m of page.items) next.set(m.leadId, m.leadTitle);
        return next;
      });
      return page;
    },
    // The reasons come in the reader's language: a language switch reads the queue again.
    [filters, locale],
  );
  const { items, setItems, cursor, error, load } = useCursorList(fetchPage);

  /** The matches in the order shown: by lead (its best match first) when grouped, else by score. */
  const ordered = useMemo(() => {
    const list = items ?? [];
    if (!grouped) return list;
    const byLead = new Map<string, MatchItem[]>();
    for (const m of list) byLead.set(m.leadId, [...(byLead.get(m.leadId) ?? []), m]);
    return [...byLead.values()].flat();
  }, [items, grouped]);

  const rows: Row[] = useMemo(() => {
    if (!grouped) return ordered;
    const groups = new Map<string, Row>();
    for (const m of ordered) {
      const g = groups.get(m.leadId);
      if (g) g.children!.push(m);
      else groups.set(m.leadId, { ...m, id: `${GROUP}${m.leadId}`, group: true, children: [m] });
    }
    return [...groups.values()];
  }, [ordered, grouped]);

  const removeDecided = (ids: Set<string>) => {
    setItems((prev) => (prev ?? []).filter((x) => !ids.has(x.id)));
    setChecked((prev) => prev.filter((id) => !ids.has(id)));
  };

  const decide = useCallback(
    async (m: MatchItem | undefined, decision: 'accepted' | 'rejected') => {
      if (!m || busy) return;
      setBusy(true);
      try {
        await matchesApi.decide(m.id, decision, note || undefined);
        message.success(`${m.targetName} · ${enumLabel(decision)}`);
        removeDecided(new Set([m.id]));
        setNote('');
      } catch (e) {
        message.error(describeError(locale, e));
      } finally {
        setBusy(false);
      }
    },
    [busy, note, message, enumLabel, locale],
  );

  const decideChecked = async (decision: 'accepted' | 'rejected') => {
    const ids = checked.filter((id) => !id.startsWith(GROUP));
    if (!ids.length || busy) return;
    setBusy(true);
    setRefused(new Map());
    try {
      const res = await matchesApi.decideMany(ids, decision, note || undefined);
      message.success(t('bulkDone', { n: res.items.length }));
      removeDecided(new Set(ids));
      setNote('');
    } catch (e) {
      const why = refusedOf(e, ids, t);
      if (why.size) setRefused(why);
      else message.error(describeError(locale, e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, [contenteditable=true], .ant-select')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'a') void decide(ordered[selected], 'accepted');
      else if (e.key === 'r') void decide(ordered[selected], 'rejected');
      else if (e.key === 'j') setSelected((i) => Math.min(i + 1, ordered.length - 1));
      else if (e.key === 'k') setSelected((i) => Math.max(i - 1, 0));
      else if (e.key === 'n') {
        e.preventDefault();
        noteRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ordered, selected, decide]);

  const highlighted = ordered[selected]?.id;
  const nameOf = new Map(ordered.map((m) => [m.id, `${m.leadTitle} · ${m.targetName}`]));
  const nChecked = checked.filter((id) => !id.startsWith(GROUP)).length;

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('matchReview')}
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Select
            aria-label={t('industry')}
            placeholder={t('industry')}
            allowClear
            style={{ width: 180 }}
            value={filters.industry}
            onChange={(v) => setFilters((f) => ({ ...f, industry: v }))}
            options={(tax?.industries ?? []).map((i) => ({ value: i.code, label: named(i) }))}
          />
          <Select
            aria-label={t('filterLead')}
            placeholder={t('filterLead')}
            data-testid="lead-filter"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 220 }}
            value={filters.leadId}
            onChange={(v) => setFilters((f) => ({ ...f, leadId: v }))}
            options={[...leadsSeen].map(([value, label]) => ({ value, label }))}
          />
          <Select
            aria-label={t('kind')}
            placeholder={t('kind')}
            allowClear
            style={{ width: 130 }}
            value={filters.kind}
            onChange={(v) => setFilters((f) => ({ ...f, kind: v }))}
            options={['partner', 'park'].map((k) => ({ value: k, label: enumLabel(k) }))}
          />
          <InputNumber
            aria-label={t('minScore')}
            placeholder={t('minScore')}
            min={0}
            max={1}
            step={0.1}
            value={filters.minScore}
            onChange={(v) => setFilters((f) => ({ ...f, minScore: v ?? undefined }))}
          />
          <ExportButton list="matches" filters={{ status: 'proposed', ...filters }} />
          <InputNumber
            aria-label={t('maxScore')}
            placeholder={t('maxScore')}
            min={0}
            max={1}
            step={0.1}
            value={filters.maxScore}
            onChange={(v) => setFilters((f) => ({ ...f, maxScore: v ?? undefined }))}
          />
          <span>
            <Switch
              checked={grouped}
              onChange={setGrouped}
              aria-label={t('groupByLead')}
              data-testid="group-by-lead"
            />{' '}
            {t('groupByLead')}
          </span>
        </Space>
      </Card>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Typography.Text data-testid="selected-count">
            {t('selectedCount', { n: nChecked })}
          </Typography.Text>
          <Button
            type="primary"
            disabled={!nChecked}
            loading={busy}
            onClick={() => decideChecked('accepted')}
            data-testid="bulk-accept"
          >
            {t('acceptSelected')}
          </Button>
          <Button
            danger
            disabled={!nChecked}
            loading={busy}
            onClick={() => decideChecked('rejected')}
            data-testid="bulk-reject"
          >
            {t('rejectSelected')}
          </Button>
          <Input
            ref={(el) => {
              noteRef.current = el?.input ?? null;
            }}
            aria-label={t('decisionNote')}
            placeholder={t('decisionNote')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            style={{ width: 240, maxWidth: '100%' }}
          />
          <Typography.Text type="secondary">{t('shortcutsHint')}</Typography.Text>
        </Space>
      </Card>
      {refused.size > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="bulk-refused"
          style={{ marginBottom: 12 }}
          title={t('bulkRefused', { n: refused.size })}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {[...refused].map(([id, why]) => (
                <li key={id}>
                  {nameOf.get(id) ?? id}: {why}
                </li>
              ))}
            </ul>
          }
          closable={{ onClose: () => setRefused(new Map()) }}
        />
      )}
      <ErrorAlert error={error} />
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Row>
          rowKey="id"
          size="small"
          data-testid="match-table"
          loading={items === null && !error}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <EmptyState /> }}
          expandable={
            grouped ? { expandedRowKeys: rows.map((r) => r.id), showExpandColumn: false } : undefined
          }
          rowSelection={{
            selectedRowKeys: checked,
            onChange: (keys) => setChecked(keys as string[]),
            checkStrictly: false,
            getCheckboxProps: (m) => ({
              'aria-label': m.group ? m.leadTitle : `${m.leadTitle} · ${m.targetName}`,
            }),
          }}
          onRow={(m) => ({
            onClick: () => {
              const i = ordered.findIndex((x) => x.id === m.id);
              if (i >= 0) setSelected(i);
            },
            style:
              m.id === highlighted
                ? { background: '#e6f4ff' }
                : refused.has(m.id)
                  ? { background: '#fff1f0' }
                  : undefined,
            'aria-selected': m.id === highlighted,
            'data-group': m.group ? 'lead' : undefined,
          })}
          columns={[
            {
              title: t('lead'),
              render: (_, m) =>
                m.group ? (
                  <span data-testid="lead-group">
                    <Link to={`/leads/${m.leadId}`} style={{ fontWeight: 600 }}>
                      {m.leadTitle}
                    </Link>{' '}
                    <Tag>{t('matchesOfLead', { n: m.children?.length ?? 0 })}</Tag>
                  </span>
                ) : grouped ? null : (
                  <Link to={`/leads/${m.leadId}`}>{m.leadTitle}</Link>
                ),
              width: 200,
            },
            {
              title: t('kind'),
              dataIndex: 'kind',
              render: (k, m) => (m.group ? null : <Tag>{enumLabel(k)}</Tag>),
              width: 90,
            },
            {
              title: t('target'),
              render: (_, m) =>
                m.group ? null : (
                  <>
                    {m.targetName} {m.jurisdiction && <CityTag city={m.jurisdiction} />}
                  </>
                ),
              width: 220,
            },
            {
              title: t('relation'),
              dataIndex: 'relation',
              render: (r, m) => (m.group ? null : r ? enumLabel(r) : '—'),
              width: 80,
            },
            {
              title: t('score'),
              dataIndex: 'score',
              render: (s: number, m) => (m.group ? null : s.toFixed(2)),
              width: 70,
            },
            {
              title: t('reasons'),
              render: (_, m) =>
                m.group ? null : (
                  <div style={{ minWidth: 260, maxWidth: 480 }}>
                    <MatchReasons strength={m.strength} reasons={m.reasons ?? []} />
                  </div>
                ),
            },
            {
              title: t('actions'),
              width: 170,
              render: (_, m) =>
                m.group ? null : (
                  <Space>
                    <Button
                      size="small"
                      type="primary"
                      onClick={() => decide(m, 'accepted')}
                      data-testid="accept-match"
                    >
                      {t('accept')} (a)
                    </Button>
                    <Button size="small" danger onClick={() => decide(m, 'rejected')}>
                      {t('reject')} (r)
                    </Button>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      {cursor && (
        <Button style={{ marginTop: 12 }} onClick={() => load(cursor)}>
          {t('loadMore')}
        </Button>
      )}
    </>
  );
}
