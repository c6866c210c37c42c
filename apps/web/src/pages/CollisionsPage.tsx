import { App, Button, Card, Form, Input, Modal, Radio, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { collisions as collisionsApi } from '../api/endpoints';
import type { Collision } from '../api/types';
import { CityTag, EmptyState, ErrorAlert, fmtDate, StageTag, useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';

/** Managers' inbox of collisions (撞单): who reported first (首报首谈), resolve. */
export default function CollisionsPage() {
  const { t, locale, enumLabel } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const [status, setStatus] = useState<string>('open');
  const [items, setItems] = useState<Collision[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [resolving, setResolving] = useState<Collision | null>(null);
  const [form] = Form.useForm<{ resolution: string; note?: string }>();

  const load = useCallback(
    async (after?: string) => {
      setError(null);
      try {
        const page = await collisionsApi.list({
          status: status === 'all' ? undefined : status,
          limit: 50,
          cursor: after,
        });
        setItems((prev) => (after ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        setError(e);
      }
    },
    [status],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const submit = async () => {
    const v = await form.validateFields();
    try {
      await collisionsApi.resolve(resolving!.id, v.resolution, v.note || undefined);
      message.success(enumLabel(v.resolution));
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
      <Space direction="vertical" size={0}>
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
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('collisions')}
        </Typography.Title>
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
            { title: t('basis'), dataIndex: 'basis', render: (b) => enumLabel(b), width: 100 },
            {
              title: t('similarity'),
              dataIndex: 'similarity',
              render: (s: number) => `${Math.round(s * 100)}%`,
              width: 80,
            },
            {
              title: t('firstReportedBy'),
              dataIndex: 'firstReportedBy',
              render: (j) => <CityTag city={j} />,
              width: 90,
            },
            { title: t('status'), dataIndex: 'status', render: (s) => <Tag>{enumLabel(s)}</Tag>, width: 90 },
            {
              title: t('createdAt'),
              dataIndex: 'createdAt',
              render: (v) => fmtDate(v as string),
              width: 160,
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
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ resolution: 'joint' }}>
          <Form.Item name="resolution" label={t('resolution')} rules={[{ required: true }]}>
            <Radio.Group
              options={(['joint', 'yielded', 'dismissed'] as const).map((r) => ({ value: r, label: t(r) }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t('note')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
