import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { agreements as agreementsApi, cooperation, type ActionItem, type ActionPlan } from '../api/endpoints';
import type { Agreement } from '../api/types';
import { useAgreementActions } from '../components/agreements';
import { isManager } from '../api/session';
import { ExportButton } from '../components/ExportButton';
import { CityTag, ErrorAlert, Loading, fmtDate, useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';

const FIELDS = [
  'industry_investment',
  'park_building',
  'platform_sharing',
  'science_education',
  'major_strategy',
  'ecology',
  'promotion',
  'other',
] as const;
const STATUSES = ['not_started', 'in_progress', 'done', 'delayed', 'cancelled'] as const;
const STATUS_COLORS: Record<string, string> = {
  not_started: 'default',
  in_progress: 'blue',
  done: 'green',
  delayed: 'orange',
  cancelled: 'default',
};

export function DeadlineTag({ item }: { item: Pick<ActionItem, 'deadline'> }) {
  const { t } = useI18n();
  if (item.deadline === 'overdue') return <Tag color="red">{t('overdue')}</Tag>;
  if (item.deadline === 'at_risk') return <Tag color="orange">{t('atRisk')}</Tag>;
  return null;
}

/** 行动计划 (DESIGN §15): the responsibility list grouped by field, each item's timeline, reports. */
export default function ActionPlanPage() {
  const { t, enumLabel } = useI18n();
  const user = useSession()!;
  const [params, setParams] = useSearchParams();
  const [plans, setPlans] = useState<ActionPlan[] | null>(null);
  const [items, setItems] = useState<ActionItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const planId = params.get('plan') ?? plans?.[0]?.id;
  const field = params.get('field') ?? undefined;
  const status = params.get('status') ?? undefined;
  const mine = params.get('mine') === '1';
  const overdue = params.get('overdue') === '1';
  const keyTasks = params.get('key') === '1';
  const openId = params.get('item');
  const year = new Date().getFullYear();

  const setParam = (key: string, value: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  useEffect(() => {
    cooperation.plans().then(setPlans).catch(setError);
  }, []);
  // The list's filters: what it shows, and what its export writes.
  const filters = useMemo(
    () => ({
      field,
      status,
      jurisdiction: mine ? user.jurisdiction : undefined,
      overdue: overdue ? true : undefined,
      keyTaskYear: keyTasks ? year : undefined,
    }),
    [field, status, mine, overdue, keyTasks, user.jurisdiction, year],
  );
  const load = useCallback(async () => {
    if (!planId) return;
    try {
      setItems(await cooperation.items({ planId, ...filters }));
    } catch (e) {
      setError(e);
    }
  }, [planId, filters]);
  useEffect(() => {
    void load();
  }, [load]);

  const groups = useMemo(() => {
    const byField = new Map<string, ActionItem[]>();
    for (const i of items ?? []) byField.set(i.field, [...(byField.get(i.field) ?? []), i]);
    return FIELDS.filter((f) => byField.has(f)).map((f) => ({ field: f, items: byField.get(f)! }));
  }, [items]);

  if (error) return <ErrorAlert error={error} />;
  if (!plans) return <Loading />;
  const plan = plans.find((p) => p.id === planId);
  const overdueCount = (items ?? []).filter((i) => i.deadline === 'overdue').length;
  const riskCount = (items ?? []).filter((i) => i.deadline === 'at_risk').length;

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('actionPlan')}
      </Typography.Title>
      {plan && (
        <Typography.Paragraph type="secondary">
          {plan.title} · {plan.periodFrom} — {plan.periodTo}
        </Typography.Paragraph>
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        {plans.length > 1 && (
          <Select
            aria-label={t('plan')}
            style={{ minWidth: 240 }}
            value={planId}
            options={plans.map((p) => ({ value: p.id, label: p.title }))}
            onChange={(v) => setParam('plan', v)}
          />
        )}
        <Select
          aria-label={t('coopField')}
          style={{ width: 160 }}
          allowClear
          placeholder={t('allFields')}
          value={field}
          options={FIELDS.map((f) => ({ value: f, label: enumLabel(f) }))}
          onChange={(v) => setParam('field', v)}
        />
        <Select
          aria-label={t('status')}
          style={{ width: 130 }}
          allowClear
          placeholder={t('allStatuses')}
          value={status}
          options={STATUSES.map((s) => ({ value: s, label: enumLabel(s) }))}
          onChange={(v) => setParam('status', v)}
        />
        <Space size={4}>
          <Switch
            size="small"
            checked={mine}
            onChange={(v) => setParam('mine', v ? '1' : undefined)}
            aria-label={t('myCityItems')}
          />
          {t('myCityItems')}
        </Space>
        <Space size={4}>
          <Switch
            size="small"
            checked={overdue}
            onChange={(v) => setParam('overdue', v ? '1' : undefined)}
            aria-label={t('onlyOverdue')}
          />
          {t('onlyOverdue')}
        </Space>
        <Space size={4}>
          <Switch
            size="small"
            checked={keyTasks}
            onChange={(v) => setParam('key', v ? '1' : undefined)}
            aria-label={t('onlyKeyTasks')}
          />
          {t('onlyKeyTasks')} {year}
        </Space>
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <Tag>{t('itemsCount', { n: items?.length ?? 0 })}</Tag>
        <Tag color={overdueCount ? 'red' : 'default'}>{t('overdueCount', { n: overdueCount })}</Tag>
        <Tag color={riskCount ? 'orange' : 'default'}>{t('atRiskCount', { n: riskCount })}</Tag>
        {planId && <ExportButton list="action-items" filters={{ planId, ...filters }} />}
      </Space>
      {!items ? (
        <Loading />
      ) : (
        groups.map((g) => (
          <Card
            key={g.field}
            size="small"
            title={`${enumLabel(g.field)}（${g.items.length}）`}
            style={{ marginBottom: 12 }}
            data-testid={`field-${g.field}`}
          >
            <Table<ActionItem>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={g.items}
              scroll={{ x: 760 }}
              rowClassName={(i) => (i.deadline === 'overdue' ? 'lc-row-overdue' : '')}
              onRow={(i) => ({ onClick: () => setParam('item', i.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('itemCode'), dataIndex: 'code', width: 64 },
                {
                  title: t('itemTitle'),
                  render: (_, i) => (
                    <Space size={4} wrap>
                      <a onClick={() => setParam('item', i.id)}>{i.title}</a>
                      {i.keyTaskYear && (
                        <Tag color="gold">
                          {t('keyTasks')} {i.keyTaskYear}
                        </Tag>
                      )}
                    </Space>
                  ),
                },
                {
                  title: t('units'),
                  width: 220,
                  render: (_, i) => (
                    <Space orientation="vertical" size={0}>
                      {i.units.map((u) => (
                        <span key={u.jurisdiction + u.unit} style={{ fontSize: 12 }}>
                          <CityTag city={u.jurisdiction} />
                          {u.unit}
                        </span>
                      ))}
                    </Space>
                  ),
                },
                {
                  title: t('dueAt'),
                  width: 130,
                  render: (_, i) => (
                    <Space size={2} wrap>
                      <span style={{ color: i.deadline === 'overdue' ? '#cf1322' : undefined }}>
                        {i.dueAt}
                      </span>
                      <DeadlineTag item={i} />
                    </Space>
                  ),
                },
                {
                  title: t('status'),
                  width: 90,
                  render: (_, i) => <Tag color={STATUS_COLORS[i.status]}>{enumLabel(i.status)}</Tag>,
                },
                {
                  title: t('progress'),
                  width: 140,
                  render: (_, i) => (
                    <Progress
                      percent={i.progress}
                      size="small"
                      status={
                        i.deadline === 'overdue' ? 'exception' : i.status === 'done' ? 'success' : 'normal'
                      }
                    />
                  ),
                },
              ]}
            />
          </Card>
        ))
      )}
      <style>{`.lc-row-overdue td { background: #fff1f0 !important; }`}</style>
      {openId && <ItemDrawer id={openId} onClose={() => setParam('item', undefined)} onChanged={load} />}
    </>
  );
}

function ItemDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string;
  onClose: () => void;
  onChanged: () => Promise<void>;
}) {
  const { t, enumLabel, locale } = useI18n();
  const user = useSession()!;
  const { message } = App.useApp();
  const [item, setItem] = useState<(ActionItem & { version: number }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reporting, setReporting] = useState(false);
  const [proposing, setProposing] = useState(false);
  const [reportForm] = Form.useForm();
  const [changeForm] = Form.useForm();
  const [pending, setPending] = useState<Agreement[]>([]);
  const load = useCallback(async () => {
    await cooperation.item(id).then(setItem).catch(setError);
    const open = await agreementsApi
      .list({ status: 'pending', kind: 'action_item.change', subjectId: id, limit: 10 })
      .catch(() => ({ items: [] as Agreement[] }));
    setPending(open.items);
  }, [id]);
  const decide = useAgreementActions(async () => {
    await load();
    await onChanged();
  });
  useEffect(() => {
    void load();
  }, [load]);
  const myPart = item?.units.some((u) => u.jurisdiction === user.jurisdiction);

  const submitReport = async () => {
    const v = await reportForm.validateFields();
    try {
      await cooperation.report(id, v);
      message.success(t('reported'));
      setReporting(false);
      reportForm.resetFields();
      await load();
      await onChanged();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };
  const submitChange = async () => {
    const v = await changeForm.validateFields();
    const body = Object.fromEntries(
      Object.entries(v).filter(
        ([k, val]) =>
          val !== undefined && val !== '' && (k === 'note' || val !== (item as Record<string, unknown>)[k]),
      ),
    );
    try {
      await cooperation.proposeChange(id, body);
      message.success(t('proposalSent'));
      setProposing(false);
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };

  return (
    <Drawer
      open
      onClose={onClose}
      size={560}
      title={item ? `${item.code} ${item.title}` : t('loading')}
      data-testid="item-drawer"
    >
      {error ? (
        <ErrorAlert error={error} />
      ) : !item ? (
        <Loading />
      ) : (
        <>
          <Space wrap style={{ marginBottom: 12 }}>
            {myPart && (
              <Button type="primary" onClick={() => setReporting(true)} data-testid="report-progress">
                {t('reportProgress')}
              </Button>
            )}
            {isManager(user) && (
              <Button onClick={() => setProposing(true)} data-testid="propose-change">
                {t('proposeChange')}
              </Button>
            )}
          </Space>
          {pending.map((a) => {
            const c = a.change as {
              title?: string;
              dueAt?: string;
              scope?: string;
              units?: { unit: string }[];
            };
            const what = [
              c.title && `${t('itemTitle')}: ${c.title}`,
              c.dueAt && `${t('dueAt')}: ${item.dueAt} → ${c.dueAt}`,
              c.units && `${t('units')}: ${c.units.map((u) => u.unit).join('、')}`,
              c.scope && `${t('scope')}: ${c.scope}`,
            ]
              .filter(Boolean)
              .join('；');
            return (
              <Alert
                key={a.id}
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="pending-change"
                title={`${t('kindActionItemChange')}：${what}`}
                description={a.note ?? undefined}
                action={
                  a.waitingOnMe && isManager(user) ? (
                    <Space orientation="vertical">
                      <Button size="small" type="primary" onClick={() => decide(a.id, 'accept')}>
                        {t('agree')}
                      </Button>
                      <Button size="small" danger onClick={() => decide(a.id, 'decline')}>
                        {t('decline')}
                      </Button>
                    </Space>
                  ) : a.proposedBy.jurisdiction === user.jurisdiction && isManager(user) ? (
                    <Button size="small" onClick={() => decide(a.id, 'withdraw')}>
                      {t('withdraw')}
                    </Button>
                  ) : undefined
                }
              />
            );
          })}
          <Descriptions
            column={1}
            size="small"
            bordered
            styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label={t('coopField')}>{enumLabel(item.field)}</Descriptions.Item>
            {item.scope && <Descriptions.Item label={t('scope')}>{item.scope}</Descriptions.Item>}
            <Descriptions.Item label={t('units')}>
              {item.units.map((u) => (
                <div key={u.jurisdiction + u.unit}>
                  <CityTag city={u.jurisdiction} />
                  {u.unit} · {item.progressBy[u.jurisdiction] ?? 0}%
                </div>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('dueAt')}>
              {item.dueAt} <DeadlineTag item={item} />
            </Descriptions.Item>
            <Descriptions.Item label={t('status')}>{enumLabel(item.status)}</Descriptions.Item>
            <Descriptions.Item label={t('progress')}>
              <Progress percent={item.progress} size="small" />
            </Descriptions.Item>
            {item.meetingId && (
              <Descriptions.Item label={t('fromMeeting')}>{t('jointMeetings')}</Descriptions.Item>
            )}
            {item.leadIds.length > 0 && (
              <Descriptions.Item label={t('linkedLeads')}>
                {item.leadIds.map((l) => (
                  <div key={l}>
                    <a href={`/leads/${l}`}>{l.slice(0, 8)}</a>
                  </div>
                ))}
              </Descriptions.Item>
            )}
            {item.parkIds.length > 0 && (
              <Descriptions.Item label={t('linkedParks')}>{item.parkIds.length}</Descriptions.Item>
            )}
            {item.eventIds.length > 0 && (
              <Descriptions.Item label={t('linkedEvents')}>{item.eventIds.length}</Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('progressTimeline')}
          </Typography.Title>
          {item.reports?.length ? (
            <Timeline
              items={[...item.reports].reverse().map((r) => ({
                color: r.jurisdiction === 'beibei' ? '#fa541c' : '#1677ff',
                content: (
                  <div>
                    <div style={{ fontSize: 12, color: '#888' }}>
                      {fmtDate(r.reportedAt)} · <CityTag city={r.jurisdiction} />
                      {r.author} · {r.progress}%{r.status ? ` · ${enumLabel(r.status)}` : ''}
                    </div>
                    <div>{r.text}</div>
                  </div>
                ),
              }))}
            />
          ) : (
            <Typography.Text type="secondary">{t('noReports')}</Typography.Text>
          )}
        </>
      )}
      <Modal
        open={reporting}
        title={t('reportProgress')}
        onOk={submitReport}
        onCancel={() => setReporting(false)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Form
          form={reportForm}
          layout="vertical"
          initialValues={{ progress: item?.progressBy[user.jurisdiction] ?? 0 }}
        >
          <Form.Item name="progress" label={t('myProgress')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="status" label={t('reportStatus')}>
            <Select
              allowClear
              options={['in_progress', 'done', 'delayed'].map((s) => ({ value: s, label: enumLabel(s) }))}
            />
          </Form.Item>
          <Form.Item name="text" label={t('reportText')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={proposing}
        title={t('proposeChange')}
        onOk={submitChange}
        onCancel={() => setProposing(false)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Alert type="info" showIcon title={t('agreementNeededHint')} style={{ marginBottom: 12 }} />
        <Form
          form={changeForm}
          layout="vertical"
          initialValues={{ title: item?.title, dueAt: item?.dueAt, scope: item?.scope }}
        >
          <Form.Item name="title" label={t('itemTitle')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="scope" label={t('scope')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="dueAt" label={t('dueAt')}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="note" label={t('changeNote')}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
