import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { admin, itemsOf } from '../../api/endpoints';
import { EmptyState, ErrorAlert, fmtDate } from '../../components/common';
import { useI18n } from '../../i18n/context';
import { describeError } from '../../lib/errors';
import { SecretOnce } from './SecretOnce';

const SCOPES = [
  'leads:read',
  'leads:write',
  'base:read',
  'base:write',
  'changes:read',
  'matches:read',
  'webhooks:manage',
];

interface KeyRow {
  id: string;
  name: string;
  scopes: string[];
  keyPrefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export function KeysTab() {
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
