import { Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { leads as leadsApi } from '../api/endpoints';
import type { Lead } from '../api/types';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtDate,
  fmtNumber,
  investorLabel,
  SegmentPicker,
  SegmentTags,
  StageTag,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';
import { ExportButton } from '../components/ExportButton';
import { filtersFromSearch, filtersToQuery, filtersToSearch, type LeadFilters } from '../lib/filters';
import { STAGES } from '../lib/stages';
import { useTaxonomy } from '../taxonomy';

export default function LeadsListPage() {
  const { t, stage, enumLabel, named } = useI18n();
  const { data: tax } = useTaxonomy();
  const user = useSession()!;
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const key = filtersToSearch(filters);
  const [items, setItems] = useState<Lead[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState(filters.q ?? '');
  const request = useRef(0);

  // The first page is requested during render, so the request overlaps the (slow) first paint.
  const firstPage = useMemo(() => {
    const promise = leadsApi.list({ ...filtersToQuery(filtersFromSearch(key)), limit: 50 });
    promise.catch(() => undefined); // handled where it is awaited
    return promise;
  }, [key]);
  const load = useCallback(
    async (after: string | null) => {
      const id = ++request.current;
      setLoading(true);
      setError(null);
      try {
        const page = after
          ? await leadsApi.list({ ...filtersToQuery(filtersFromSearch(key)), limit: 50, cursor: after })
          : await firstPage;
        if (id !== request.current) return;
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor ?? null);
      } catch (e) {
        if (id === request.current) setError(e);
      } finally {
        if (id === request.current) setLoading(false);
      }
    },
    [key, firstPage],
  );

  useEffect(() => {
    setQ(filtersFromSearch(key).q ?? '');
    void load(null);
  }, [key, load]);

  const update = (patch: Partial<LeadFilters>) =>
    setParams(new URLSearchParams(filtersToSearch({ ...filters, ...patch })));

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('leads')}
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form layout="inline" role="search" aria-label={t('search')} style={{ rowGap: 8 }}>
          <Form.Item label={t('industry')}>
            <Select
              aria-label={t('industry')}
              allowClear
              style={{ width: 170 }}
              value={filters.industry}
              onChange={(v) => update({ industry: v })}
              options={(tax?.industries ?? []).map((i) => ({ value: i.code, label: named(i) }))}
            />
          </Form.Item>
          <Form.Item label={t('segment')}>
            <div style={{ width: 200 }}>
              <SegmentPicker
                multiple={false}
                value={filters.segment ? [filters.segment] : []}
                onChange={(v) => update({ segment: v[0] })}
              />
            </div>
          </Form.Item>
          <Form.Item label={t('stage')}>
            <Select
              aria-label={t('stage')}
              allowClear
              style={{ width: 110 }}
              value={filters.stage}
              onChange={(v) => update({ stage: v })}
              options={STAGES.map((s) => ({ value: s, label: stage(s) }))}
            />
          </Form.Item>
          <Form.Item label={t('city')}>
            <Select
              aria-label={t('city')}
              allowClear
              style={{ width: 100 }}
              value={filters.jurisdiction}
              onChange={(v) => update({ jurisdiction: v })}
              options={['beibei', 'mianyang'].map((c) => ({ value: c, label: enumLabel(c) }))}
            />
          </Form.Item>
          <Form.Item label={t('sharing')}>
            <Select
              aria-label={t('sharing')}
              allowClear
              style={{ width: 100 }}
              value={filters.sharing}
              onChange={(v) => update({ sharing: v })}
              options={['private', 'shared'].map((c) => ({ value: c, label: enumLabel(c) }))}
            />
          </Form.Item>
          <Form.Item label={t('owner')}>
            <Select
              aria-label={t('owner')}
              allowClear
              style={{ width: 110 }}
              value={filters.ownerId ? (filters.ownerId === user.id ? 'me' : filters.ownerId) : undefined}
              onChange={(v) => update({ ownerId: v === 'me' ? user.id : v })}
              options={[{ value: 'me', label: t('ownerMe') }]}
            />
          </Form.Item>
          <Form.Item label={t('text')}>
            <Input.Search
              aria-label={t('text')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              onSearch={(v) => update({ q: v })}
              allowClear
              style={{ width: 200 }}
            />
          </Form.Item>
          <Button onClick={() => setParams(new URLSearchParams())}>{t('reset')}</Button>
          <ExportButton list="leads" filters={filtersToQuery(filters)} />
        </Form>
      </Card>
      <ErrorAlert error={error} />
      <Table<Lead>
        data-testid="leads-table"
        rowKey="id"
        size="small"
        loading={loading && !items.length}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: loading ? ' ' : <EmptyState /> }}
        columns={[
          {
            title: t('title'),
            dataIndex: 'title',
            render: (v, l) => <Link to={`/leads/${l.id}`}>{v}</Link>,
            width: 220,
          },
          { title: t('investor'), render: (_, l) => investorLabel(l), width: 180 },
          { title: t('segments'), dataIndex: 'segments', render: (s: string[]) => <SegmentTags codes={s} /> },
          { title: t('stage'), dataIndex: 'stage', render: (s) => <StageTag stage={s} />, width: 90 },
          { title: t('city'), dataIndex: 'jurisdiction', render: (c) => <CityTag city={c} />, width: 80 },
          {
            title: t('plannedInvestment'),
            dataIndex: 'plannedInvestmentWan',
            align: 'right',
            render: (v) => fmtNumber(v),
            width: 130,
          },
          { title: t('sharing'), dataIndex: 'sharing', render: (v) => enumLabel(v), width: 80 },
          { title: t('updatedAt'), dataIndex: 'updatedAt', render: (v) => fmtDate(v), width: 160 },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        {cursor && (
          <Button onClick={() => load(cursor)} loading={loading}>
            {t('loadMore')}
          </Button>
        )}
        <Typography.Text type="secondary">{items.length}</Typography.Text>
      </Space>
    </>
  );
}
