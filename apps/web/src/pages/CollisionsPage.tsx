import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Segmented,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  agreements as agreementsApi,
  collisions as collisionsApi,
  duplicates as duplicatesApi,
  parks as parksApi,
} from '../api/endpoints';
import type { Agreement, Collision, Duplicate } from '../api/types';
import { useAgreementActions } from '../components/agreements';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtDate,
  StageTag,
  useCursorList,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';
import type { DictKey } from '../i18n/dict';
import { describeError } from '../lib/errors';

const TABS = ['collisions', 'duplicates', 'agreements'] as const;
type TabKey = (typeof TABS)[number];

/**
 * Managers' inbox (DESIGN §7, §14): collisions with the other city (who reported first, 首报首谈;
 * proposals waiting for one side), duplicate leads of our own city to merge, and every agreement
 * (双方确认) that waits on us or that we proposed.
 */
export default function CollisionsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as TabKey)
    : 'collisions';
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('collisions')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'collisions' ? {} : { tab: k })}
        items={[
          { key: 'collisions', label: t('collisions'), children: <CollisionsTab /> },
          { key: 'duplicates', label: t('duplicates'), children: <DuplicatesTab /> },
          { key: 'agreements', label: t('agreements'), children: <AgreementsTab /> },
        ]}
      />
    </>
  );
}

function PendingAgreementCell({
  c,
  decide,
}: {
  c: Collision;
  decide: (id: string, action: 'accept' | 'decline' | 'withdraw') => void;
}) {
  const { t } = useI18n();
  const a = c.pendingAgreement!;
  const what = t(a.resolution === 'joint' ? 'proposedJoint' : 'proposedDismissed');
  return (
    <Space orientation="vertical" size={4}>
      <Tag color={a.waitingOnMe ? 'orange' : 'blue'}>{t(a.waitingOnMe ? 'waitingMe' : 'waitingOther')}</Tag>
      <span style={{ fontSize: 12 }}>
        <CityTag city={a.proposedBy} /> {what}
        {a.note ? `：${a.note}` : ''}
      </span>
      {a.waitingOnMe ? (
        <Space size={4}>
          <Button size="small" type="primary" onClick={() => decide(a.id, 'accept')}>
            {t('agree')}
          </Button>
          <Button size="small" danger onClick={() => decide(a.id, 'decline')}>
            {t('decline')}
          </Button>
        </Space>
      ) : (
        <Button size="small" onClick={() => decide(a.id, 'withdraw')}>
          {t('withdraw')}
        </Button>
      )}
    </Space>
  );
}

function CollisionsTab() {
  const { t, locale, enumLabel } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const [status, setStatus] = useState<string>('open');
  const [resolving, setResolving] = useState<Collision | null>(null);
  const [form] = Form.useForm<{ resolution: string; note?: string }>();
  const resolution = Form.useWatch('resolution', form);

  const fetchPage = useCallback(
    (after?: string) =>
      collisionsApi.list({ status: status === 'all' ? undefined : status, limit: 50, cursor: after }),
    [status],
  );
  const { items, cursor, error, load } = useCursorList(fetchPage);
  const decide = useAgreementActions(() => load());

  const submit = async () => {
    const v = await form.validateFields();
    try {
      const after = await collisionsApi.resolve(resolving!.id, v.resolution, v.note || undefined);
      message.success(after.pendingAgreement ? t('proposalSent') : enumLabel(v.resolution));
      setResolving(null);
      form.resetFields();
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };

  const leadCell = (c: Collision, side: 'mine' | 'other') => {
    const info = side === 'mine' ? { ...c.mine, jurisdiction: user.jurisdiction } : c.other;
    return (
      <Space orientation="vertical" size={0}>
        <span>
          <CityTag city={info.jurisdiction} />{' '}
          {info.leadId && info.title ? (
            <Link to={`/leads/${info.leadId}`}>{info.title}</Link>
          ) : (
            <Typography.Text type="secondary">{t('hiddenPrivate')}</Typography.Text>
          )}
        </span>
        <span style={{ fontSize: 12 }}>
          {t(side === 'other' ? 'otherLeadStage' : 'stage')}: <StageTag stage={info.stage} />
        </span>
      </Space>
    );
  };

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented
          aria-label={t('status')}
          value={status}
          onChange={(v) => setStatus(String(v))}
          options={['open', 'joint', 'yielded', 'dismissed', 'all'].map((s) => ({
            value: s,
            label: s === 'all' ? t('all') : enumLabel(s),
          }))}
        />
      </Space>
      <ErrorAlert error={error} />
      <Card size="small">
        <Table<Collision>
          rowKey="id"
          size="small"
          loading={items === null && !error}
          dataSource={items ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('myLeads'), render: (_, c) => leadCell(c, 'mine') },
            { title: t('otherCity'), render: (_, c) => leadCell(c, 'other') },
            {
              title: t('basis'),
              render: (_, c) => (
                <Space orientation="vertical" size={0}>
                  <span>{enumLabel(c.basis)}</span>
                  <span style={{ fontSize: 12, color: '#888' }}>{Math.round(c.similarity * 100)}%</span>
                </Space>
              ),
              width: 110,
            },
            {
              title: t('firstReportedBy'),
              dataIndex: 'firstReportedBy',
              render: (j) => <CityTag city={j} />,
              width: 90,
            },
            {
              title: t('status'),
              render: (_, c) =>
                c.pendingAgreement ? (
                  <PendingAgreementCell c={c} decide={decide} />
                ) : (
                  <Tag>{enumLabel(c.status)}</Tag>
                ),
              width: 220,
            },
            {
              title: t('createdAt'),
              dataIndex: 'createdAt',
              render: (v) => fmtDate(v as string),
              width: 150,
            },
            {
              title: t('actions'),
              width: 90,
              render: (_, c) =>
                c.status === 'open' ? (
                  <Button size="small" type="primary" onClick={() => setResolving(c)}>
                    {t('resolve')}
                  </Button>
                ) : (
                  (c.note ?? '')
                ),
            },
          ]}
        />
        {cursor && (
          <Button style={{ marginTop: 12 }} onClick={() => load(cursor)}>
            {t('loadMore')}
          </Button>
        )}
      </Card>
      <Modal
        open={!!resolving}
        title={t('resolve')}
        onOk={submit}
        onCancel={() => setResolving(null)}
        okText={resolution === 'yielded' ? t('yieldMine') : t('save')}
        okButtonProps={{ danger: resolution === 'yielded' }}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Alert type="info" showIcon message={t('resolutionHint')} style={{ marginBottom: 12 }} />
        <Form form={form} layout="vertical" initialValues={{ resolution: 'joint' }}>
          <Form.Item name="resolution" label={t('resolution')} rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'joint', label: t('proposedJoint'), disabled: !!resolving?.pendingAgreement },
                {
                  value: 'dismissed',
                  label: t('proposedDismissed'),
                  disabled: !!resolving?.pendingAgreement,
                },
                { value: 'yielded', label: t('yieldMine') },
              ]}
            />
          </Form.Item>
          {resolution === 'yielded' && (
            <Alert type="warning" showIcon message={t('yieldConfirm')} style={{ marginBottom: 12 }} />
          )}
          <Form.Item name="note" label={t('note')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function DuplicatesTab() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string>('open');
  const [busy, setBusy] = useState<string | null>(null);

  const fetchPage = useCallback(
    (after?: string) =>
      duplicatesApi.list({ status: status === 'all' ? undefined : status, limit: 50, cursor: after }),
    [status],
  );
  const { items, cursor, error, load } = useCursorList(fetchPage);

  const act = async (d: Duplicate, action: 'merge' | 'dismiss') => {
    setBusy(d.id);
    try {
      if (action === 'merge') await duplicatesApi.merge(d.id);
      else await duplicatesApi.dismiss(d.id);
      message.success(t(action === 'merge' ? 'merged' : 'dismissed'));
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    } finally {
      setBusy(null);
    }
  };

  const leadCell = (l: Duplicate['older']) => (
    <Space orientation="vertical" size={0}>
      <Link to={`/leads/${l.leadId}`}>{l.title}</Link>
      <span style={{ fontSize: 12 }}>
        {l.investorName} · <StageTag stage={l.stage} /> · {t('activitiesCount', { n: l.activities })}
      </span>
      <span style={{ fontSize: 12, color: '#888' }}>{fmtDate(l.createdAt)}</span>
    </Space>
  );

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented
          aria-label={t('status')}
          value={status}
          onChange={(v) => setStatus(String(v))}
          options={[
            { value: 'open', label: t('open') },
            { value: 'merged', label: t('merged') },
            { value: 'dismissed', label: t('dismissed') },
            { value: 'all', label: t('all') },
          ]}
        />
      </Space>
      <ErrorAlert error={error} />
      <Card size="small">
        <Table<Duplicate>
          rowKey="id"
          size="small"
          loading={items === null && !error}
          dataSource={items ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('olderLead'), render: (_, d) => leadCell(d.older) },
            { title: t('newerLead'), render: (_, d) => leadCell(d.newer) },
            {
              title: t('basis'),
              render: (_, d) =>
                `${t(d.basis === 'uscc' ? 'uscc' : 'name')} ${Math.round(d.similarity * 100)}%`,
              width: 140,
            },
            {
              title: t('actions'),
              width: 200,
              render: (_, d) =>
                d.status === 'open' ? (
                  <Space size={4}>
                    <Popconfirm
                      title={t('merge')}
                      description={
                        <div style={{ maxWidth: 320 }}>
                          {t('mergeConfirm', { older: d.older.title, newer: d.newer.title })}
                        </div>
                      }
                      okText={t('merge')}
                      cancelText={t('cancel')}
                      onConfirm={() => act(d, 'merge')}
                    >
                      <Button size="small" type="primary" loading={busy === d.id}>
                        {t('merge')}
                      </Button>
                    </Popconfirm>
                    <Button size="small" disabled={busy === d.id} onClick={() => act(d, 'dismiss')}>
                      {t('notSameInvestor')}
                    </Button>
                  </Space>
                ) : (
                  <Tag>{t(d.status === 'merged' ? 'merged' : 'dismissed')}</Tag>
                ),
            },
          ]}
        />
        {cursor && (
          <Button style={{ marginTop: 12 }} onClick={() => load(cursor)}>
            {t('loadMore')}
          </Button>
        )}
      </Card>
    </>
  );
}

const STATUS_KEYS: Record<Agreement['status'], DictKey> = {
  pending: 'agreementPending',
  accepted: 'agreementAccepted',
  declined: 'agreementDeclined',
  withdrawn: 'agreementWithdrawn',
};

function AgreementsTab() {
  const { t } = useI18n();
  const [status, setStatus] = useState<string>('pending');
  const [items, setItems] = useState<Agreement[] | null>(null);
  const [parkNames, setParkNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await agreementsApi.list({ status: status === 'all' ? undefined : status, limit: 100 });
      setItems(page.items);
      if (page.items.some((a) => a.subject.entity === 'park')) {
        const parks = await parksApi.list({ limit: 200 });
        setParkNames(new Map(parks.items.map((p) => [p.id, p.name])));
      }
    } catch (e) {
      setError(e);
    }
  }, [status]);
  useEffect(() => {
    void load();
  }, [load]);
  const decide = useAgreementActions(load);

  const describe = (a: Agreement) => {
    if (a.kind === 'collision.resolve')
      return (
        <Space orientation="vertical" size={0}>
          <span>{t('kindCollisionResolve')}</span>
          <span style={{ fontSize: 12 }}>
            {t(a.change.resolution === 'joint' ? 'proposedJoint' : 'proposedDismissed')} ·{' '}
            <Link to="/collisions">{t('collisions')}</Link>
          </span>
        </Space>
      );
    if (a.kind === 'park.jurisdictions') {
      const js = (a.change.jurisdictions as string[]) ?? [];
      return (
        <Space orientation="vertical" size={0}>
          <span>
            {t('kindParkJurisdictions')} ·{' '}
            <Link to="/base?tab=parks">{parkNames.get(a.subject.id) ?? a.subject.id}</Link>
          </span>
          <span style={{ fontSize: 12 }}>
            {t('coBuildTo')}:{' '}
            {js.map((j) => (
              <CityTag key={j} city={j} />
            ))}
          </span>
        </Space>
      );
    }
    if (a.kind === 'action_item.change') {
      const c = a.change as { title?: string; dueAt?: string; units?: { unit: string }[]; scope?: string };
      return (
        <Space orientation="vertical" size={0}>
          <span>
            {t('kindActionItemChange')} ·{' '}
            <Link to={`/action-plan?item=${a.subject.id}`}>{t('actionPlan')}</Link>
          </span>
          <span style={{ fontSize: 12 }}>
            {[
              c.title && `${t('itemTitle')}: ${c.title}`,
              c.dueAt && `${t('dueAt')}: ${c.dueAt}`,
              c.units && `${t('units')}: ${c.units.map((u) => u.unit).join('、')}`,
              c.scope && `${t('scope')}: ${c.scope}`,
            ]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </Space>
      );
    }
    if (a.kind === 'event.cohost')
      return (
        <span>
          {t('kindEventCohost')} · <Link to={`/events/${a.subject.id}`}>{t('eventsMenu')}</Link>
        </span>
      );
    return a.kind;
  };

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented
          aria-label={t('status')}
          value={status}
          onChange={(v) => setStatus(String(v))}
          options={[
            ...(['pending', 'accepted', 'declined', 'withdrawn'] as const).map((s) => ({
              value: s,
              label: t(STATUS_KEYS[s]),
            })),
            { value: 'all', label: t('all') },
          ]}
        />
      </Space>
      <ErrorAlert error={error} />
      <Card size="small">
        <Table<Agreement>
          rowKey="id"
          size="small"
          loading={items === null && !error}
          dataSource={items ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('agreementKind'), render: (_, a) => describe(a) },
            {
              title: t('proposedBy'),
              render: (_, a) => (
                <Space orientation="vertical" size={0}>
                  <CityTag city={a.proposedBy.jurisdiction} />
                  {a.note && <span style={{ fontSize: 12 }}>{a.note}</span>}
                </Space>
              ),
              width: 180,
            },
            {
              title: t('status'),
              render: (_, a) =>
                a.status === 'pending' ? (
                  <Tag color={a.waitingOnMe ? 'orange' : 'blue'}>
                    {t(a.waitingOnMe ? 'waitingMe' : 'waitingOther')}
                  </Tag>
                ) : (
                  <Space orientation="vertical" size={0}>
                    <Tag>{t(STATUS_KEYS[a.status])}</Tag>
                    {a.decisionNote && <span style={{ fontSize: 12 }}>{a.decisionNote}</span>}
                  </Space>
                ),
              width: 160,
            },
            {
              title: t('createdAt'),
              dataIndex: 'createdAt',
              render: (v) => fmtDate(v as string),
              width: 150,
            },
            {
              title: t('actions'),
              width: 160,
              render: (_, a) =>
                a.status !== 'pending' ? null : a.waitingOnMe ? (
                  <Space size={4}>
                    <Button size="small" type="primary" onClick={() => decide(a.id, 'accept')}>
                      {t('agree')}
                    </Button>
                    <Button size="small" danger onClick={() => decide(a.id, 'decline')}>
                      {t('decline')}
                    </Button>
                  </Space>
                ) : (
                  <Button size="small" onClick={() => decide(a.id, 'withdraw')}>
                    {t('withdraw')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}
