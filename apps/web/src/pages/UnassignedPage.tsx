import { Alert, App, Button, Card, Grid, Input, Select, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { leads as leadsApi } from '../api/endpoints';
import type { Assignee, Lead } from '../api/types';
import {
  EmptyState,
  ErrorAlert,
  fmtDate,
  fmtNumber,
  investorLabel,
  SegmentTags,
  StageTag,
  useCursorList,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';

/**
 * 待分配: the leads of the manager's city without an owner (pushed by partner systems), each
 * given to an officer here; the new owner is notified (DESIGN §5, §18).
 */
export default function UnassignedPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const wide = !!Grid.useBreakpoint().md;
  const [assignees, setAssignees] = useState<Assignee[]>([]);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  // A long queue (a partner system pushes hundreds) is found by title or investor.
  const [q, setQ] = useState('');
  const fetchPage = useCallback(
    (cursor?: string) =>
      leadsApi.list({
        unassigned: 'true',
        jurisdiction: user.jurisdiction,
        q: q || undefined,
        limit: 50,
        cursor,
      }),
    [user.jurisdiction, q],
  );
  const { items, setItems, cursor, error, load } = useCursorList<Lead>(fetchPage);
  useEffect(() => {
    leadsApi
      .assignees()
      .then((r) => setAssignees(r.items))
      .catch(() => undefined);
  }, []);

  const assign = async (lead: Lead) => {
    const ownerId = picked[lead.id];
    if (!ownerId) return;
    setBusy(lead.id);
    try {
      await leadsApi.assign(lead.id, ownerId);
      message.success(`${t('assigned')}: ${assignees.find((a) => a.id === ownerId)?.displayName ?? ''}`);
      setItems((prev) => (prev ?? []).filter((l) => l.id !== lead.id));
    } catch (e) {
      message.error(describeError(locale, e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('unassigned')}
      </Typography.Title>
      <Alert type="info" showIcon title={t('unassignedHint')} style={{ marginBottom: 16 }} />
      <ErrorAlert error={error} />
      <Card size="small">
        <Input.Search
          allowClear
          data-testid="unassigned-search"
          aria-label={t('search')}
          placeholder={t('search')}
          style={{ maxWidth: 360, marginBottom: 12 }}
          onSearch={(v) => setQ(v.trim())}
        />
        <Table<Lead>
          rowKey="id"
          size="small"
          data-testid="unassigned-table"
          loading={items === null}
          dataSource={items ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            {
              title: t('title'),
              render: (_, l) => <Link to={`/leads/${l.id}`}>{l.title}</Link>,
            },
            { title: t('investor'), render: (_, l) => investorLabel(l), width: 180 },
            { title: t('segments'), render: (_, l) => <SegmentTags codes={l.segments} />, width: 200 },
            { title: t('stage'), render: (_, l) => <StageTag stage={l.stage} />, width: 90 },
            {
              title: t('plannedInvestment'),
              render: (_, l) => fmtNumber(l.plannedInvestmentWan),
              align: 'right',
              width: 110,
            },
            { title: t('updatedAt'), render: (_, l) => fmtDate(l.updatedAt), width: 160 },
            {
              title: t('assignTo'),
              width: 260,
              // Pinned beside the scrolled columns on a wide screen; on a phone it would cover them.
              fixed: wide ? 'right' : undefined,
              render: (_, l) => (
                <Space.Compact>
                  <Select
                    size="small"
                    style={{ width: 150 }}
                    showSearch={{ optionFilterProp: 'label' }}
                    aria-label={`${t('assignTo')} ${l.title}`}
                    data-testid="assign-select"
                    placeholder={t('assignTo')}
                    value={picked[l.id]}
                    onChange={(v: string) => setPicked((p) => ({ ...p, [l.id]: v }))}
                    options={assignees.map((a) => ({ value: a.id, label: a.displayName }))}
                  />
                  <Button
                    size="small"
                    type="primary"
                    disabled={!picked[l.id]}
                    loading={busy === l.id}
                    onClick={() => void assign(l)}
                    data-testid="assign-button"
                  >
                    {t('assign')}
                  </Button>
                </Space.Compact>
              ),
            },
          ]}
        />
        {cursor && (
          <Button style={{ marginTop: 12 }} onClick={() => void load(cursor)}>
            {t('loadMore')}
          </Button>
        )}
      </Card>
    </>
  );
}
