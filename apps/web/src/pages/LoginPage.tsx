import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { auth } from '../api/endpoints';
import { session } from '../api/session';
import { useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';

export function LoginPage() {
  const { t, locale, setLocale } = useI18n();
  const user = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next') || '/';
  if (user) return <Navigate to={next.startsWith('/') ? next : '/'} replace />;
  const onFinish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await auth.login(values.username, values.password);
      session.set(res.accessToken, res.user);
      navigate(next.startsWith('/') ? next : '/', { replace: true });
    } catch (e) {
      const status = (e as { status?: number }).status;
      setError(status === 401 ? t('loginFailed') : describeError(locale, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {locale === 'zh' ? '链城' : 'Liancheng'}
          </Typography.Title>
          <Button
            size="small"
            type="link"
            onClick={() => setLocale(locale === 'zh' ? 'en' : 'zh')}
            data-testid="lang-switch"
          >
            {t('language')}
          </Button>
        </div>
        <Typography.Paragraph type="secondary">{t('appName')}</Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon role="alert" style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item
            label={t('username')}
            name="username"
            rules={[{ required: true, message: t('required', { field: t('username') }) }]}
          >
            <Input autoComplete="username" autoFocus id="username" />
          </Form.Item>
          <Form.Item
            label={t('password')}
            name="password"
            rules={[{ required: true, message: t('required', { field: t('password') }) }]}
          >
            <Input.Password autoComplete="current-password" id="password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
