import { ExportButton } from '../components/ExportButton';
import { App, Button, Card, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { matches as matchesApi } from '../api/endpoints';
import type { MatchItem } from '../api/types';
import { CityTag, EmptyState, ErrorAlert, useCursorList } from '../components/common';
import { MatchReasons } from '../components/MatchReasons';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';
import { useTaxonomy } from '../taxonomy';

/** Managers' queue of proposed matches; a accepts, r rejects, j/k move the selection. */
export default function MatchReviewPage() {
  const { t, locale, enumLabel, named } = useI18n();
  const { message } = App.useApp();
  const { data: tax } = useTaxonomy();
  const [filters, setFilters] = useState<{ industry?: string; kind?: string; minScore?: number }>({});
  const [selected, setSelected] = useState(0);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const noteRef = useRef<HTMLInputElement | null>(null);

  const fetchPage = useCallback(
    async (after?: string) => {
      const page = await matchesApi.list({ status: 'proposed', limit: 50, cursor: after, ...filters });
      if (!after) setSelected(0);
      return page;
    },
    [filters],
  );
  const { items, setItems, cursor, error, load } = useCursorList(fetchPage);

  const decide = useCallback(
    async (m: MatchItem | undefined, decision: 'accepted' | 'rejected') => {
      if (!m || busy) return;
      setBusy(true);
      try {
        await matchesApi.decide(m.id, decision, note || undefined);
        message.success(`${m.targetName} · ${enumLabel(decision)}`);
        setItems((prev) => (prev ?? []).filter((x) => x.id !== m.id));
        setNote('');
      } catch (e) {
        message.error(describeError(locale, e));
      } finally {
        setBusy(false);
      }
    },
    [busy, note, message, enumLabel, locale],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, [contenteditable=true], .ant-select')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const list = items ?? [];
      if (e.key === 'a') void decide(list[selected], 'accepted');
      else if (e.key === 'r') void decide(list[selected], 'rejected');
      else if (e.key === 'j') setSelected((i) => Math.min(i + 1, list.length - 1));
      else if (e.key === 'k') setSelected((i) => Math.max(i - 1, 0));
      else if (e.key === 'n') {
        e.preventDefault();
        noteRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected, decide]);

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
          <Input
            ref={(el) => {
              noteRef.current = el?.input ?? null;
            }}
            aria-label={t('decisionNote')}
            placeholder={t('decisionNote')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            style={{ width: 240 }}
          />
          <Typography.Text type="secondary">{t('shortcutsHint')}</Typography.Text>
        </Space>
      </Card>
      <ErrorAlert error={error} />
      <Table<MatchItem>
        rowKey="id"
        size="small"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState /> }}
        onRow={(_, i) => ({
          onClick: () => setSelected(i ?? 0),
          style: i === selected ? { background: '#e6f4ff' } : undefined,
          'aria-selected': i === selected,
        })}
        columns={[
          {
            title: t('lead'),
            render: (_, m) => <Link to={`/leads/${m.leadId}`}>{m.leadTitle}</Link>,
            width: 200,
          },
          { title: t('kind'), dataIndex: 'kind', render: (k) => <Tag>{enumLabel(k)}</Tag>, width: 90 },
          {
            title: t('target'),
            render: (_, m) => (
              <>
                {m.targetName} {m.jurisdiction && <CityTag city={m.jurisdiction} />}
              </>
            ),
            width: 220,
          },
          { title: t('relation'), dataIndex: 'relation', render: (r) => (r ? enumLabel(r) : '—'), width: 80 },
          { title: t('score'), dataIndex: 'score', render: (s: number) => s.toFixed(2), width: 70 },
          {
            title: t('reasons'),
            render: (_, m) => <MatchReasons strength={m.strength} reasons={m.reasons ?? []} />,
          },
          {
            title: t('actions'),
            width: 170,
            render: (_, m) => (
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
      {cursor && (
        <Button style={{ marginTop: 12 }} onClick={() => load(cursor)}>
          {t('loadMore')}
        </Button>
      )}
    </>
  );
}
