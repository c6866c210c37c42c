import { Alert, App, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { notifications as api, type NotificationMode, type NotificationPreferences } from '../api/endpoints';
import { Loading } from '../components/common';
import { useI18n } from '../i18n/context';
import type { DictKey } from '../i18n/dict';
import { describeError } from '../lib/errors';

const TYPES = [
  'collision',
  'matches_ready',
  'match_decided',
  'partner_follow_up',
  'lead_assigned',
  'next_action_due',
  'agreement_waiting',
] as const;
const MODES: { value: NotificationMode; label: DictKey }[] = [
  { value: 'in_app', label: 'notifyInApp' },
  { value: 'digest', label: 'notifyDigest' },
  { value: 'off', label: 'notifyOff' },
];

/** Per type: in the app, also in the daily digest e-mail, or off (DESIGN §18). */
export default function NotificationSettingsPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .preferences()
      .then((p) => {
        setPrefs(p);
        setEmail(p.email ?? '');
      })
      .catch((e) => setError(describeError(locale, e)));
  }, [locale]);

  const save = async (body: { email?: string | null; modes?: Record<string, NotificationMode> }) => {
    setBusy(true);
    setError(null);
    try {
      setPrefs(await api.savePreferences(body));
      message.success(t('save'));
    } catch (e) {
      setError(describeError(locale, e));
    } finally {
      setBusy(false);
    }
  };

  if (!prefs) return error ? <Alert type="error" title={error} /> : <Loading />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('notificationSettings')}
      </Typography.Title>
      {error && <Alert type="error" title={error} showIcon />}
      <Card>
        <Form layout="vertical" onFinish={() => void save({ email: email.trim() || null })}>
          <Form.Item label={t('digestEmail')} extra={t('digestEmailHint')}>
            <Space.Compact style={{ width: '100%', maxWidth: 480 }}>
              <Input
                type="email"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                placeholder="name@example.gov.cn"
                aria-label={t('digestEmail')}
                data-testid="digest-email"
              />
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('save')}
              </Button>
            </Space.Compact>
          </Form.Item>
        </Form>
        <Table
          rowKey="type"
          pagination={false}
          size="small"
          dataSource={TYPES.map((type) => ({ type, mode: prefs.modes[type] ?? 'in_app' }))}
          columns={[
            {
              title: t('notifications'),
              dataIndex: 'type',
              render: (type: string) => t(`notifyType_${type}` as DictKey),
            },
            {
              title: t('notifyHow'),
              dataIndex: 'mode',
              width: 220,
              render: (mode: NotificationMode, row: { type: string }) => (
                <Select
                  value={mode}
                  style={{ width: '100%' }}
                  disabled={busy}
                  aria-label={t(`notifyType_${row.type}` as DictKey)}
                  data-testid={`mode-${row.type}`}
                  options={MODES.map((m) => ({ value: m.value, label: t(m.label) }))}
                  onChange={(v) => void save({ modes: { [row.type]: v } })}
                />
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
