import { App, Button, Card, Form, Input, Modal, Select, Switch, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { admin, itemsOf } from '../../api/endpoints';
import type { SessionUser } from '../../api/session';
import { EmptyState, ErrorAlert } from '../../components/common';
import { useI18n } from '../../i18n/context';
import { describeError, formFieldErrors } from '../../lib/errors';

export function UsersTab() {
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
