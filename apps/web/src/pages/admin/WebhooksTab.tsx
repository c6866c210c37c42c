import {
  App,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useState } from 'react';
import { admin, itemsOf } from '../../api/endpoints';
import { EmptyState, ErrorAlert, fmtDate } from '../../components/common';
import { useI18n } from '../../i18n/context';
import { describeError, formFieldErrors } from '../../lib/errors';
import { SecretOnce } from './SecretOnce';

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

export function WebhooksTab() {
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
