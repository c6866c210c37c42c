import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  type InputRef,
} from 'antd';
import { CheckOutlined, CopyOutlined, ReloadOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { admin, itemsOf } from '../api/endpoints';
import type { SessionUser } from '../api/session';
import { EmptyState, ErrorAlert, fmtDate } from '../components/common';
import { useI18n } from '../i18n/context';
import { copyText } from '../lib/clipboard';
import { describeError, formFieldErrors } from '../lib/errors';

const SCOPES = [
  'leads:read',
  'leads:write',
  'base:read',
  'base:write',
  'changes:read',
  'matches:read',
  'webhooks:manage',
];
const EVENTS = [
  'lead.created',
  'lead.updated',
  'lead.stage_changed',
  'match.proposed',
  'match.decided',
  'collision.detected',
  'agreement.proposed',
  'agreement.decided',
];

export default function AdminPage() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('admin')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'users', label: t('users'), children: <UsersTab /> },
          { key: 'keys', label: t('apiKeys'), children: <KeysTab /> },
          { key: 'webhooks', label: t('webhooks'), children: <WebhooksTab /> },
          { key: 'rematch', label: t('rematch'), children: <RematchTab /> },
        ]}
      />
    </>
  );
}

/**
 * A secret returned once (API key or webhook signing secret): shown with a copy button and a
 * warning, and unmounted when closed so it is nowhere in the page afterwards.
 */
function SecretOnce({ title, secret, onClose }: { title: string; secret: string | null; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const input = useRef<InputRef>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [secret]);
  const copy = async () => {
    if (await copyText(secret ?? '')) {
      setCopied(true);
      message.success(t('copied'));
    } else {
      // Leave it selected so Ctrl+C works.
      input.current?.select();
      message.warning(t('copyFailed'));
    }
  };
  return (
    <Modal
      open={!!secret}
      onCancel={onClose}
      onOk={onClose}
      title={title}
      okText={t('secretSaved')}
      maskClosable={false}
      destroyOnHidden
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon title={t('keyOnce')} style={{ marginBottom: 12 }} />
      <Space.Compact style={{ width: '100%' }}>
        <Input
          ref={input}
          readOnly
          value={secret ?? ''}
          aria-label={title}
          style={{ fontFamily: 'monospace' }}
          data-testid="secret-once"
          onFocus={(e) => e.target.select()}
        />
        <Button
          type="primary"
          icon={copied ? <CheckOutlined /> : <CopyOutlined />}
          onClick={copy}
          data-testid="copy-secret"
        >
          {copied ? t('copied') : t('copy')}
        </Button>
      </Space.Compact>
    </Modal>
  );
}

function UsersTab() {
  const { t, locale, enumLabel } = useI18n();
  const { message } = App.useApp();
  const [users, setUsers] = useState<SessionUser[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm();
  const load = useCallback(
    () =>
      admin
        .users()
        .then((u) => setUsers(itemsOf(u)))
        .catch(setError),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const patch = async (id: string, body: Record<string, unknown>) => {
    try {
      await admin.patchUser(id, body);
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };
  const create = async () => {
    const v = await form.validateFields();
    try {
      await admin.createUser(v);
      setCreating(false);
      form.resetFields();
      await load();
    } catch (e) {
      form.setFields(formFieldErrors(locale, e) as never);
      message.error(describeError(locale, e));
    }
  };
  return (
    <Card
      size="small"
      extra={
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('create')}
        </Button>
      }
    >
      <ErrorAlert error={error} />
      <Table<SessionUser>
        rowKey="id"
        size="small"
        loading={users === null && !error}
        dataSource={users ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <EmptyState /> }}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          { title: t('displayName'), dataIndex: 'displayName' },
          { title: t('city'), dataIndex: 'jurisdiction', render: (j) => enumLabel(j) },
          {
            title: t('role'),
            dataIndex: 'role',
            render: (r, u) => (
              <Select
                size="small"
                aria-label={t('role')}
                value={r}
                style={{ width: 120 }}
                onChange={(role) => patch(u.id, { role })}
                options={['officer', 'manager', 'admin'].map((x) => ({ value: x, label: enumLabel(x) }))}
              />
            ),
          },
          {
            title: t('active'),
            dataIndex: 'active',
            render: (a, u) => (
              <Switch
                size="small"
                aria-label={t('active')}
                checked={a}
                onChange={(active) => patch(u.id, { active })}
              />
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('create')}
        onOk={create}
        onCancel={() => setCreating(false)}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form form={form} layout="vertical" initialValues={{ role: 'officer' }}>
          <Form.Item
            name="username"
            label={t('username')}
            rules={[{ required: true, message: t('required', { field: t('username') }) }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('displayName')}
            rules={[{ required: true, message: t('required', { field: t('displayName') }) }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('role')}>
            <Select
              options={['officer', 'manager', 'admin'].map((x) => ({ value: x, label: enumLabel(x) }))}
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('password')}
            rules={[{ required: true, min: 10, message: t('required', { field: t('password') }) }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

interface KeyRow {
  id: string;
  name: string;
  scopes: string[];
  keyPrefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function KeysTab() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [keys, setKeys] = useState<KeyRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  const load = useCallback(
    () =>
      admin
        .keys()
        .then((k) => setKeys(itemsOf(k)))
        .catch(setError),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const create = async () => {
    const v = await form.validateFields();
    try {
      const created = await admin.createKey(v.name, v.scopes);
      setCreating(false);
      form.resetFields();
      setSecret(created.key);
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };
  return (
    <Card
      size="small"
      extra={
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('create')}
        </Button>
      }
    >
      <ErrorAlert error={error} />
      <Table<KeyRow>
        data-testid="keys-table"
        rowKey="id"
        size="small"
        loading={keys === null && !error}
        dataSource={keys ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState /> }}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          {
            title: t('keyPrefix'),
            dataIndex: 'keyPrefix',
            render: (p) => <Typography.Text code>{p}…</Typography.Text>,
          },
          {
            title: t('scopes'),
            dataIndex: 'scopes',
            render: (s: string[]) => s.map((x) => <Tag key={x}>{x}</Tag>),
          },
          { title: t('createdAt'), dataIndex: 'createdAt', render: fmtDate },
          { title: t('lastUsedAt'), dataIndex: 'lastUsedAt', render: fmtDate },
          {
            title: t('actions'),
            render: (_, k) =>
              k.revokedAt ? (
                <Tag color="red">{fmtDate(k.revokedAt)}</Tag>
              ) : (
                <Popconfirm
                  title={`${t('revoke')}?`}
                  onConfirm={() =>
                    admin
                      .revokeKey(k.id)
                      .then(load)
                      .catch((e) => message.error(describeError(locale, e)))
                  }
                >
                  <Button size="small" danger>
                    {t('revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('create')}
        onOk={create}
        onCancel={() => setCreating(false)}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form form={form} layout="vertical" initialValues={{ scopes: ['leads:read', 'base:read'] }}>
          <Form.Item
            name="name"
            label={t('name')}
            rules={[{ required: true, message: t('required', { field: t('name') }) }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t('scopes')}
            rules={[{ required: true, message: t('required', { field: t('scopes') }) }]}
          >
            <Select mode="multiple" options={SCOPES.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce title={t('apiKeySecret')} secret={secret} onClose={() => setSecret(null)} />
    </Card>
  );
}

interface HookRow {
  id: string;
  url: string;
  events: string[];
  status?: 'active' | 'disabled';
  disabledReason?: string | null;
}

/** One delivery attempt as GET /webhooks/{id}/deliveries lists it (newest first). */
interface AttemptRow {
  id: string;
  eventType: string;
  attempt: number;
  status: 'delivered' | 'failed' | 'refused';
  responseCode: number | null;
  durationMs: number | null;
  error: string | null;
  nextRetryAt: string | null;
  at: string;
}

const ATTEMPT_COLORS: Record<AttemptRow['status'], string> = {
  delivered: 'green',
  failed: 'orange',
  refused: 'red',
};

function WebhooksTab() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [hooks, setHooks] = useState<HookRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [deliveriesOf, setDeliveriesOf] = useState<HookRow | null>(null);
  const [deliveries, setDeliveries] = useState<AttemptRow[] | null>(null);
  const [form] = Form.useForm();
  const load = useCallback(
    () =>
      admin
        .webhooks()
        .then((h) => setHooks(itemsOf(h)))
        .catch(setError),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const loadDeliveries = useCallback(
    (hook: HookRow) => {
      setDeliveries(null);
      admin
        .deliveries(hook.id)
        .then((d) => setDeliveries(itemsOf<AttemptRow>(d)))
        .catch((e) => {
          setDeliveries([]);
          message.error(describeError(locale, e));
        });
    },
    [locale, message],
  );
  useEffect(() => {
    if (deliveriesOf) loadDeliveries(deliveriesOf);
  }, [deliveriesOf, loadDeliveries]);
  const create = async () => {
    const v = await form.validateFields();
    try {
      const created = await admin.createWebhook(v.url, v.events);
      setCreating(false);
      form.resetFields();
      setSecret(created.secret);
      await load();
    } catch (e) {
      form.setFields(formFieldErrors(locale, e) as never);
      message.error(describeError(locale, e));
    }
  };
  return (
    <Card
      size="small"
      extra={
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('create')}
        </Button>
      }
    >
      <ErrorAlert error={error} />
      <Table<HookRow>
        rowKey="id"
        size="small"
        loading={hooks === null && !error}
        dataSource={hooks ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState /> }}
        columns={[
          {
            title: t('url'),
            dataIndex: 'url',
            render: (u: string) => (
              <Typography.Text style={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }}>
                {u}
              </Typography.Text>
            ),
          },
          {
            title: t('events'),
            dataIndex: 'events',
            render: (s: string[]) => s.map((x) => <Tag key={x}>{x}</Tag>),
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 90,
            render: (st: HookRow['status'], h) =>
              st === 'disabled' ? (
                <Tag color="red" title={h.disabledReason ?? undefined}>
                  {t('hookDisabled')}
                </Tag>
              ) : (
                <Tag color="green">{t('hookActive')}</Tag>
              ),
          },
          {
            title: t('actions'),
            render: (_, h) => (
              <Space>
                <Button size="small" onClick={() => setDeliveriesOf(h)}>
                  {t('deliveries')}
                </Button>
                <Popconfirm
                  title={`${t('delete')}?`}
                  onConfirm={() =>
                    admin
                      .deleteWebhook(h.id)
                      .then(load)
                      .catch((e) => message.error(describeError(locale, e)))
                  }
                >
                  <Button size="small" danger>
                    {t('delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('create')}
        onOk={create}
        onCancel={() => setCreating(false)}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form form={form} layout="vertical" initialValues={{ events: EVENTS }}>
          <Form.Item
            name="url"
            label={t('url')}
            rules={[{ required: true, type: 'url', message: t('required', { field: t('url') }) }]}
          >
            <Input placeholder="https://partner.example.gov.cn/hooks/liancheng" />
          </Form.Item>
          <Form.Item
            name="events"
            label={t('events')}
            rules={[{ required: true, message: t('required', { field: t('events') }) }]}
          >
            <Select mode="multiple" options={EVENTS.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce title={t('secret')} secret={secret} onClose={() => setSecret(null)} />
      <Drawer
        open={!!deliveriesOf}
        onClose={() => setDeliveriesOf(null)}
        title={`${t('deliveries')} · ${deliveriesOf?.url ?? ''}`}
        size="large"
      >
        <Space style={{ marginBottom: 12 }}>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => deliveriesOf && loadDeliveries(deliveriesOf)}
            data-testid="deliveries-refresh"
          >
            {t('refresh')}
          </Button>
          <Typography.Text type="secondary">{t('deliveriesHint')}</Typography.Text>
        </Space>
        <Table<AttemptRow>
          data-testid="deliveries-table"
          rowKey="id"
          size="small"
          loading={deliveries === null}
          dataSource={deliveries ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('occurredAt'), dataIndex: 'at', render: fmtDate, width: 170 },
            { title: t('events'), dataIndex: 'eventType' },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (st: AttemptRow['status']) => (
                <Tag color={ATTEMPT_COLORS[st]}>{t(`attempt_${st}` as const)}</Tag>
              ),
            },
            { title: t('responseCode'), dataIndex: 'responseCode', render: (c) => c ?? '—' },
            { title: t('attempts'), dataIndex: 'attempt' },
            {
              title: t('duration'),
              dataIndex: 'durationMs',
              render: (ms) => (ms === null || ms === undefined ? '—' : `${ms} ms`),
            },
            {
              title: t('details'),
              render: (_, r) =>
                r.error ?? (r.nextRetryAt ? `${t('nextRetryAt')} ${fmtDate(r.nextRetryAt)}` : '—'),
            },
          ]}
        />
      </Drawer>
    </Card>
  );
}

/** Progress as a 0–100 percentage from the job status (a number, or {done,total}). */
export function progressPercent(
  progress: number | { done?: number; total?: number } | undefined,
  state?: string,
): number {
  if (state === 'completed' || state === 'done') return 100;
  if (typeof progress === 'number')
    return Math.max(
      0,
      Math.min(
        100,
        Math.round(progress <= 1 && progress > 0 && !Number.isInteger(progress) ? progress * 100 : progress),
      ),
    );
  if (progress && typeof progress === 'object' && progress.total)
    return Math.round(((progress.done ?? 0) / progress.total) * 100);
  return 0;
}

const REMATCH_JOB_KEY = 'lc.rematchJob';
const JOB_STATES = ['queued', 'waiting', 'delayed', 'active', 'completed', 'failed', 'unknown'] as const;

function RematchTab() {
  const { t } = useI18n();
  const [jobId, setJobId] = useState<string | null>(null);
  const [percent, setPercent] = useState(0);
  const [counts, setCounts] = useState<{ done: number; total: number } | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [failedReason, setFailedReason] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const stop = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  /** Polls a job's state every second until it ends. `resumed`: the job id came from an earlier visit. */
  const follow = useCallback((id: string, resumed: boolean) => {
    const poll = async () => {
      try {
        const s = (await admin.rematchStatus(id)) as Awaited<ReturnType<typeof admin.rematchStatus>> & {
          failedReason?: string | null;
        };
        const st = s.state ?? s.status ?? '';
        setJobId(id);
        setState(st);
        setPercent(progressPercent(s.progress, st));
        if (s.progress && typeof s.progress === 'object' && s.progress.total)
          setCounts({ done: s.progress.done ?? 0, total: s.progress.total });
        setFailedReason(s.failedReason ?? null);
        if (['completed', 'failed'].includes(st)) stop();
      } catch (e) {
        stop();
        // A finished job from an earlier visit may be gone from the queue: nothing to show.
        if (resumed) {
          sessionStorage.removeItem(REMATCH_JOB_KEY);
          setJobId(null);
        } else setError(e);
      }
    };
    stop();
    void poll();
    timer.current = setInterval(poll, 1000);
  }, []);
  // Leaving the tab or reloading does not lose a running re-match: pick it up again.
  useEffect(() => {
    const id = sessionStorage.getItem(REMATCH_JOB_KEY);
    if (id) follow(id, true);
    return stop;
  }, [follow]);
  const start = async () => {
    stop();
    setError(null);
    setPercent(0);
    setCounts(null);
    setFailedReason(null);
    try {
      const { jobId: id } = await admin.rematch();
      sessionStorage.setItem(REMATCH_JOB_KEY, id);
      setJobId(id);
      setState('queued');
      follow(id, false);
    } catch (e) {
      setError(e);
    }
  };
  const running = !!jobId && !['completed', 'done', 'failed'].includes(state ?? '');
  const stateLabel = (JOB_STATES as readonly string[]).includes(state ?? '')
    ? t(`job_${state as (typeof JOB_STATES)[number]}` as const)
    : (state ?? '');
  return (
    <Card size="small">
      <ErrorAlert error={error} />
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('rematchHint')}
        </Typography.Paragraph>
        <Button type="primary" onClick={start} loading={running} data-testid="rematch-start">
          {t('rematchStart')}
        </Button>
        {jobId && (
          <div data-testid="rematch-progress" data-state={state ?? ''}>
            <Typography.Text type="secondary">
              {stateLabel}
              {counts ? ` · ${t('rematchCounts', { done: counts.done, total: counts.total })}` : ''}
            </Typography.Text>
            <Progress
              percent={percent}
              status={state === 'failed' ? 'exception' : percent === 100 ? 'success' : 'active'}
              aria-label={t('progress')}
            />
            {state === 'failed' && <Alert type="error" showIcon title={failedReason ?? stateLabel} />}
            {state === 'completed' && <Alert type="success" showIcon title={t('rematchDone')} />}
          </div>
        )}
      </Space>
    </Card>
  );
}
