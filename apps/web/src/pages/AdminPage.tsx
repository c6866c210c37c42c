import { Tabs, Typography } from 'antd';
import { useI18n } from '../i18n/context';
import { KeysTab } from './admin/KeysTab';
import { RematchTab } from './admin/RematchTab';
import { UsersTab } from './admin/UsersTab';
import { WebhooksTab } from './admin/WebhooksTab';

/** Admin: users, API keys, webhooks and re-matching of the admin's city; one file per tab in admin/. */
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
