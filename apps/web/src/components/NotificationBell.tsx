import { BellOutlined, SettingOutlined } from '@ant-design/icons';
import { Badge, Button, Drawer, Empty, Space, Spin, Switch, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { notifications as api, type NotificationItem } from '../api/endpoints';
import { useI18n } from '../i18n/context';
import { fmtDate } from './common';

const RECONNECT_MS = 3_000;

/**
 * Live notifications (DESIGN §18) over Server-Sent Events. EventSource cannot send the
 * Authorization header, so the stream opens with a short-lived ticket; when the browser's own
 * reconnect is refused (the ticket expired) it reopens with a new ticket and the last event id,
 * so nothing is lost or repeated. Calls `onEvent` for each notification.
 */
function useNotificationStream(onEvent: (n: NotificationItem) => void): boolean {
  const [live, setLive] = useState(true);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const open = async () => {
      if (stopped) return;
      try {
        const ticket = await api.ticket();
        if (stopped) return;
        const q = new URLSearchParams({ ticket });
        if (lastId) q.set('lastEventId', lastId);
        source = new EventSource(`/api/v1/notifications/stream?${q}`);
        source.onopen = () => setLive(true);
        source.addEventListener('notification', (e) => {
          const ev = e as MessageEvent<string>;
          lastId = ev.lastEventId || lastId;
          handler.current(JSON.parse(ev.data) as NotificationItem);
        });
        source.onerror = () => {
          if (source?.readyState !== EventSource.CLOSED) return; // the browser reconnects itself
          setLive(false);
          source = null;
          timer = setTimeout(() => void open(), RECONNECT_MS);
        };
      } catch {
        setLive(false);
        timer = setTimeout(() => void open(), RECONNECT_MS);
      }
    };
    void open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, []);
  return live;
}

/** The bell in the header: unread count, and a drawer listing notifications with their links. */
export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [items, setItems] = useState<NotificationItem[]>([]);
  const [loading, setLoading] = useState(false);
  const openRef = useRef(open);
  openRef.current = open;

  const refreshCount = useCallback(() => {
    void api
      .unread()
      .then(setUnread)
      .catch(() => undefined);
  }, []);
  const loadList = useCallback(async (unreadOnly: boolean) => {
    setLoading(true);
    try {
      setItems((await api.list({ limit: 50, unread: unreadOnly ? 'true' : undefined })).items);
    } catch {
      /* the bell stays as it was */
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(refreshCount, [refreshCount]);
  const live = useNotificationStream(() => {
    refreshCount();
    if (openRef.current) void loadList(onlyUnread);
  });

  const show = () => {
    setOpen(true);
    void loadList(onlyUnread);
  };
  const follow = async (n: NotificationItem) => {
    if (!n.readAt) {
      const r = await api.read({ ids: [n.id] }).catch(() => null);
      if (r) setUnread(r.unread);
    }
    setOpen(false);
    navigate(n.link);
  };
  const readAll = async () => {
    const r = await api.read({ all: true }).catch(() => null);
    if (r) setUnread(r.unread);
    await loadList(onlyUnread);
  };

  return (
    <>
      <Badge count={unread} size="small" overflowCount={99}>
        <Button
          size="small"
          icon={<BellOutlined />}
          onClick={show}
          aria-label={`${t('notifications')} (${unread})`}
          data-testid="bell"
          data-unread={unread}
        />
      </Badge>
      <Drawer
        title={t('notifications')}
        open={open}
        onClose={() => setOpen(false)}
        size="default"
        styles={{ wrapper: { maxWidth: '100vw' } }}
        extra={
          <Space>
            <Button size="small" onClick={() => void readAll()} disabled={!unread} data-testid="read-all">
              {t('markAllRead')}
            </Button>
            <Button
              size="small"
              icon={<SettingOutlined />}
              aria-label={t('notificationSettings')}
              onClick={() => {
                setOpen(false);
                navigate('/notifications/settings');
              }}
            />
          </Space>
        }
      >
        <Space style={{ marginBottom: 12 }}>
          <Switch
            size="small"
            checked={onlyUnread}
            onChange={(v) => {
              setOnlyUnread(v);
              void loadList(v);
            }}
            aria-label={t('unreadOnly')}
          />
          <Typography.Text>{t('unreadOnly')}</Typography.Text>
          {!live && <Typography.Text type="warning">{t('liveOff')}</Typography.Text>}
        </Space>
        <Spin spinning={loading}>
          {!items.length && !loading ? (
            <Empty description={t('noNotifications')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="notification-list">
              {items.map((n) => (
                <li
                  key={n.id}
                  onClick={() => void follow(n)}
                  style={{
                    cursor: 'pointer',
                    padding: '10px 8px',
                    borderBottom: '1px solid #f0f0f0',
                    background: n.readAt ? undefined : '#f0f6ff',
                  }}
                  data-testid="notification-item"
                >
                  <Space size={6}>
                    {!n.readAt && <Badge status="processing" />}
                    <a href={n.link} onClick={(e) => e.preventDefault()} style={{ fontWeight: 500 }}>
                      {n.title}
                    </a>
                  </Space>
                  <div>{n.body}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmtDate(n.createdAt)}
                  </Typography.Text>
                </li>
              ))}
            </ul>
          )}
        </Spin>
      </Drawer>
    </>
  );
}
