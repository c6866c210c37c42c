import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Steps,
  Switch,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { audit as auditApi, leads as leadsApi, matches as matchesApi } from '../api/endpoints';
import { isManager } from '../api/session';
import type { Activity, AuditEntry, Lead, LeadMatches } from '../api/types';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtDate,
  fmtNumber,
  investorLabel,
  Loading,
  SegmentTags,
  StageTag,
  useSession,
  useUnsavedWarning,
} from '../components/common';
import { MatchReasons, ReasonList } from '../components/MatchReasons';
import { useI18n } from '../i18n/context';
import { allowedFromError, describeError } from '../lib/errors';
import { allowedMoves, FORWARD_STAGES, type Stage } from '../lib/stages';

const ACTIVITY_TYPES = ['visit', 'call', 'meeting', 'email', 'event', 'note'];

export default function LeadDetailPage() {
  const { id } = useParams();
  const { t, locale, stage: stageLabel, enumLabel } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const manager = isManager(user);
  const [lead, setLead] = useState<Lead | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ type: 'error' | 'warning' | 'success'; text: string } | null>(null);
  const [moveNote, setMoveNote] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      setLead(await leadsApi.get(id!));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);

  if (error) return <ErrorAlert error={error} />;
  if (!lead) return <Loading />;

  const own = lead.jurisdiction === user.jurisdiction;
  const canEdit = own && (manager || lead.ownerId === user.id);
  const moves = allowedMoves(lead.stage, { resumeStage: lead.resumeStage, manager });

  const move = async (to: Stage) => {
    setBusy(true);
    setNotice(null);
    try {
      await leadsApi.move(lead.id, to, lead.version, moveNote || undefined);
      setMoveNote('');
      message.success(t('stageChanged'));
      await reload();
    } catch (e) {
      const allowed = allowedFromError(e);
      if (e instanceof ApiError && e.status === 409 && allowed)
        setNotice({
          type: 'error',
          text: t('stageNotAllowed', { allowed: allowed.map(stageLabel).join('、') || '—' }),
        });
      else
        setNotice({
          type: e instanceof ApiError && e.status === 412 ? 'warning' : 'error',
          text: describeError(locale, e),
        });
      await reload();
    } finally {
      setBusy(false);
    }
  };

  const patch = async (body: Record<string, unknown>) => {
    setBusy(true);
    setNotice(null);
    try {
      await leadsApi.patch(lead.id, lead.version, body);
      message.success(t('save'));
      await reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setNotice({ type: 'warning', text: describeError(locale, e) });
        await reload();
      } else setNotice({ type: 'error', text: describeError(locale, e) });
    } finally {
      setBusy(false);
    }
  };

  const forwardIndex = FORWARD_STAGES.indexOf(lead.stage as (typeof FORWARD_STAGES)[number]);
  const stepIndex =
    forwardIndex >= 0 ? forwardIndex : FORWARD_STAGES.indexOf((lead.resumeStage ?? 'lead') as never);

  return (
    <>
      <Space align="baseline" wrap>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="lead-title">
          {lead.title}
        </Typography.Title>
        <StageTag stage={lead.stage} />
        <CityTag city={lead.jurisdiction} />
        <Tag>v{lead.version}</Tag>
      </Space>
      {notice && (
        <Alert
          type={notice.type}
          showIcon
          role="alert"
          data-testid="lead-notice"
          title={notice.text}
          closable={{ onClose: () => setNotice(null) }}
          style={{ marginBottom: 12 }}
        />
      )}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          current={stepIndex}
          status={lead.stage === 'lost' ? 'error' : lead.stage === 'on_hold' ? 'wait' : 'process'}
          items={FORWARD_STAGES.map((s) => ({ title: stageLabel(s) }))}
          style={{ marginBottom: 12 }}
        />
        {canEdit && moves.length > 0 && (
          <Space wrap>
            <span>{t('moveTo')}:</span>
            {moves.map((s) => (
              <Popconfirm key={s} title={`${t('moveTo')} ${stageLabel(s)}?`} onConfirm={() => move(s)}>
                <Button size="small" danger={s === 'lost'} disabled={busy} data-testid={`move-${s}`}>
                  {stageLabel(s)}
                </Button>
              </Popconfirm>
            ))}
            <Input
              size="small"
              aria-label={t('moveNote')}
              placeholder={t('moveNote')}
              value={moveNote}
              onChange={(e) => setMoveNote(e.target.value)}
              style={{ width: 220 }}
            />
          </Space>
        )}
      </Card>
      <Tabs
        items={[
          {
            key: 'details',
            label: t('details'),
            children: (
              <Card size="small">
                <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered>
                  <Descriptions.Item label={t('investor')}>{investorLabel(lead)}</Descriptions.Item>
                  <Descriptions.Item label={t('uscc')}>{lead.investor?.uscc ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('country')}>{lead.investor?.country ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('segments')} span={3}>
                    <SegmentTags codes={lead.segments} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('plannedInvestment')}>
                    {fmtNumber(lead.plannedInvestmentWan)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('landNeed')}>{fmtNumber(lead.landNeedMu, 1)}</Descriptions.Item>
                  <Descriptions.Item label={t('expectedJobs')}>
                    {fmtNumber(lead.expectedJobs)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('source')}>{enumLabel(lead.source)}</Descriptions.Item>
                  <Descriptions.Item label={t('nextActionAt')}>
                    {fmtDate(lead.nextActionAt)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('updatedAt')}>{fmtDate(lead.updatedAt)}</Descriptions.Item>
                  <Descriptions.Item label={t('shared')}>
                    <Switch
                      aria-label={t('shared')}
                      data-testid="toggle-sharing"
                      checked={lead.sharing === 'shared'}
                      disabled={!canEdit || busy}
                      onChange={(v) => patch({ sharing: v ? 'shared' : 'private' })}
                    />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('confidential')}>
                    <Switch
                      aria-label={t('confidential')}
                      data-testid="toggle-confidential"
                      checked={lead.confidential}
                      disabled={!canEdit || busy || (!lead.confidential && !lead.codeName)}
                      onChange={(v) => patch({ confidential: v })}
                    />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('codeName')}>{lead.codeName ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('summary')} span={3}>
                    {lead.summary || '—'}
                  </Descriptions.Item>
                  {lead.contacts && lead.contacts.length > 0 && (
                    <Descriptions.Item label={t('contacts')} span={3}>
                      {lead.contacts.map((c, i) => (
                        <div key={i}>
                          {c.name} {c.title} {c.phone} {c.email}
                        </div>
                      ))}
                    </Descriptions.Item>
                  )}
                </Descriptions>
              </Card>
            ),
          },
          {
            key: 'timeline',
            label: t('timeline'),
            children: <LeadTimeline leadId={lead.id} version={lead.version} />,
          },
          {
            key: 'matches',
            label: t('matches'),
            children: <LeadMatchesTab leadId={lead.id} canDecide={manager && own} />,
          },
          ...(manager
            ? [{ key: 'audit', label: t('audit'), children: <AuditTab entity="lead" entityId={lead.id} /> }]
            : []),
        ]}
      />
    </>
  );
}

function LeadTimeline({ leadId, version }: { leadId: string; version: number }) {
  const { t, locale, enumLabel, stage: stageLabel } = useI18n();
  const [items, setItems] = useState<Activity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  useUnsavedWarning(dirty);
  const load = useCallback(
    () =>
      leadsApi
        .activities(leadId)
        .then((p) => setItems(p.items))
        .catch(setError),
    [leadId],
  );
  useEffect(() => {
    void load();
  }, [load, version]);
  const add = async (values: { type: string; summary: string }) => {
    setSaving(true);
    try {
      await leadsApi.addActivity(leadId, { ...values, occurredAt: new Date().toISOString() });
      form.resetFields();
      setDirty(false);
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small">
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="inline"
        onFinish={add}
        onValuesChange={() => setDirty(true)}
        initialValues={{ type: 'visit' }}
        style={{ marginBottom: 16, rowGap: 8 }}
        aria-label={t('addActivity')}
      >
        <Form.Item name="type" label={t('activityType')}>
          <Select
            style={{ width: 100 }}
            options={ACTIVITY_TYPES.map((v) => ({ value: v, label: enumLabel(v) }))}
          />
        </Form.Item>
        <Form.Item
          name="summary"
          label={t('activityNote')}
          rules={[{ required: true, message: t('required', { field: t('activityNote') }) }]}
        >
          <Input style={{ width: 360 }} maxLength={4000} />
        </Form.Item>
        <Button htmlType="submit" type="primary" loading={saving}>
          {t('addActivity')}
        </Button>
      </Form>
      {items === null ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState />
      ) : (
        <Timeline
          items={items.map((a) => ({
            key: a.id,
            title: fmtDate(a.occurredAt),
            content: (
              <>
                <Tag color={a.type === 'stage_change' ? 'purple' : undefined}>{enumLabel(a.type)}</Tag>
                {a.fromStage && a.toStage ? `${stageLabel(a.fromStage)} → ${stageLabel(a.toStage)} · ` : ''}
                {a.summary}{' '}
                <Typography.Text type="secondary">
                  {a.authorName ?? ''} {a.jurisdiction && locale ? enumLabel(a.jurisdiction) : ''}
                </Typography.Text>
              </>
            ),
          }))}
        />
      )}
    </Card>
  );
}

function LeadMatchesTab({ leadId, canDecide }: { leadId: string; canDecide: boolean }) {
  const { t, locale, enumLabel } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<LeadMatches | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => leadsApi.matches(leadId).then(setData).catch(setError), [leadId]);
  useEffect(() => {
    void load();
  }, [load]);
  const decide = async (id: string, decision: 'accepted' | 'rejected') => {
    try {
      await matchesApi.decide(id, decision);
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Loading />;
  const decisionCol = {
    title: t('actions'),
    width: 160,
    render: (_: unknown, m: { id: string; status: string }) =>
      canDecide && m.status === 'proposed' ? (
        <Space>
          <Button size="small" type="primary" onClick={() => decide(m.id, 'accepted')}>
            {t('accept')}
          </Button>
          <Button size="small" danger onClick={() => decide(m.id, 'rejected')}>
            {t('reject')}
          </Button>
        </Space>
      ) : (
        <Tag>{enumLabel(m.status)}</Tag>
      ),
  };
  return (
    <>
      {data.status === 'pending' && (
        <Alert type="info" showIcon title={t('matchesPending')} style={{ marginBottom: 12 }} />
      )}
      <Card
        size="small"
        title={t('partners')}
        style={{ marginBottom: 16 }}
        extra={
          <Button size="small" onClick={load}>
            {t('refresh')}
          </Button>
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.partners}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('name'), dataIndex: 'name' },
            { title: t('city'), dataIndex: 'jurisdiction', render: (c) => <CityTag city={c} />, width: 80 },
            { title: t('relation'), dataIndex: 'relation', render: (r) => enumLabel(r), width: 80 },
            { title: t('score'), dataIndex: 'score', render: (s: number) => s.toFixed(2), width: 70 },
            {
              title: t('reasons'),
              render: (_, m) => <MatchReasons strength={m.strength} reasons={m.reasons} />,
            },
            decisionCol,
          ]}
        />
      </Card>
      <Card size="small" title={t('parks')}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.parks}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            {
              title: t('name'),
              dataIndex: 'name',
              render: (n, p) => (
                <>
                  {n} {p.coBuilt && <Tag color="gold">{t('coBuilt')}</Tag>}
                </>
              ),
            },
            { title: t('score'), dataIndex: 'score', render: (s: number) => s.toFixed(2), width: 70 },
            { title: t('reasons'), dataIndex: 'reasons', render: (r) => <ReasonList reasons={r} /> },
            decisionCol,
          ]}
        />
      </Card>
    </>
  );
}

export function AuditTab({ entity, entityId }: { entity: string; entityId: string }) {
  const { t } = useI18n();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    auditApi(entity, entityId)
      .then((p) => setItems(p.items))
      .catch(setError);
  }, [entity, entityId]);
  if (error) return <ErrorAlert error={error} />;
  if (!items) return <Loading />;
  return (
    <Table<AuditEntry>
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: <EmptyState /> }}
      columns={[
        { title: t('occurredAt'), render: (_, a) => fmtDate((a.at ?? a.createdAt) as string), width: 170 },
        { title: t('actions'), dataIndex: 'action', width: 140 },
        {
          title: t('author'),
          render: (_, a) => {
            const actor = a.actor as { type?: string; name?: string } | undefined;
            return actor ? `${actor.name ?? ''} (${actor.type ?? ''})` : '';
          },
          width: 200,
        },
        {
          title: t('details'),
          render: (_, a) => (
            <Typography.Text code style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>
              {JSON.stringify(a.changes)}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}
