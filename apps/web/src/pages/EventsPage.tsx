import { CalendarOutlined, PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Calendar,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Modal,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { events as eventsApi } from '../api/endpoints';
import type { PromotionEvent } from '../api/types';
import { CityTag, ErrorAlert, SegmentPicker, SegmentTags, useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';
import { EVENT_KINDS, eventKindLabel, fmtWhen } from '../lib/events';

/** 活动: joint promotion events of both cities on a calendar and in a list (DESIGN §16). */
export default function EventsPage() {
  const { t, locale } = useI18n();
  const user = useSession();
  const navigate = useNavigate();
  const [view, setView] = useState<'calendar' | 'list'>('calendar');
  const [month, setMonth] = useState<Dayjs>(() => dayjs());
  const [items, setItems] = useState<PromotionEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [feed, setFeed] = useState<string | null>(null);
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const narrow = screens.md === false;
  // The calendar's month and weekday names follow the UI language.
  useEffect(() => {
    dayjs.locale(locale === 'zh' ? 'zh-cn' : 'en');
  }, [locale]);

  const load = useCallback(async () => {
    try {
      // The visible month with its neighbours: the calendar shows six weeks.
      const from = month.startOf('month').subtract(7, 'day').toISOString();
      const to = month.endOf('month').add(14, 'day').toISOString();
      const page = await eventsApi.list(view === 'calendar' ? { from, to, limit: 200 } : { limit: 200 });
      setItems(page.items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [month, view]);
  useEffect(() => {
    void load();
  }, [load]);

  const byDay = useMemo(() => {
    const m = new Map<string, PromotionEvent[]>();
    for (const e of items) {
      let d = dayjs(e.startsAt).startOf('day');
      const end = dayjs(e.endsAt);
      for (let i = 0; i < 14 && !d.isAfter(end); i++, d = d.add(1, 'day')) {
        const key = d.format('YYYY-MM-DD');
        m.set(key, [...(m.get(key) ?? []), e]);
      }
    }
    return m;
  }, [items]);

  const now = Date.now();
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap', marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('eventsMenu')}
        </Typography.Title>
        <Space wrap>
          <Segmented
            value={view}
            onChange={(v) => setView(v as 'calendar' | 'list')}
            options={[
              { value: 'calendar', label: t('eventCalendar'), icon: <CalendarOutlined /> },
              { value: 'list', label: t('eventList'), icon: <UnorderedListOutlined /> },
            ]}
          />
          <Button
            onClick={async () => {
              try {
                const f = await eventsApi.feedToken();
                setFeed(`${window.location.origin}${f.path}`);
              } catch (e) {
                message.error(describeError(locale, e));
              }
            }}
          >
            {t('calendarFeed')}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="event-new"
          >
            {t('eventNew')}
          </Button>
        </Space>
      </Space>
      {feed && (
        <Alert
          type="info"
          showIcon
          closable
          onClose={() => setFeed(null)}
          style={{ marginBottom: 12 }}
          title={t('calendarFeedHint')}
          description={
            <Typography.Text copyable style={{ wordBreak: 'break-all' }}>
              {feed}
            </Typography.Text>
          }
        />
      )}
      <ErrorAlert error={error} />
      {view === 'calendar' ? (
        <Card styles={{ body: { padding: 8 } }}>
          <Calendar
            key={locale}
            fullscreen={!narrow}
            value={month}
            onPanelChange={(d) => setMonth(d)}
            onSelect={(d, info) => {
              if (info.source === 'date') setMonth(d);
            }}
            cellRender={(d, info) => {
              if (info.type !== 'date') return info.originNode;
              if (narrow) {
                const n = byDay.get(d.format('YYYY-MM-DD'))?.length ?? 0;
                return n ? (
                  <Badge status="processing" style={{ position: 'absolute', top: 0, right: 2 }} />
                ) : null;
              }
              const list = byDay.get(d.format('YYYY-MM-DD')) ?? [];
              return (
                <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                  {list.slice(0, 3).map((e) => (
                    <li
                      key={e.id}
                      style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
                    >
                      <Link to={`/events/${e.id}`} title={e.title}>
                        <Badge
                          color={e.hosts.length > 1 ? 'purple' : e.hosts[0] === 'beibei' ? 'blue' : 'green'}
                          text={<span style={{ fontSize: 12 }}>{e.title}</span>}
                        />
                      </Link>
                    </li>
                  ))}
                  {list.length > 3 && <li style={{ fontSize: 12 }}>+{list.length - 3}</li>}
                </ul>
              );
            }}
          />
          {narrow && (
            <MonthList
              items={items.filter((e) => dayjs(e.startsAt).isSame(month, 'month'))}
              locale={locale}
            />
          )}
        </Card>
      ) : (
        <Card styles={{ body: { padding: 0 } }}>
          <Table<PromotionEvent>
            rowKey="id"
            dataSource={items}
            pagination={false}
            scroll={{ x: 760 }}
            onRow={(e) => ({ onClick: () => navigate(`/events/${e.id}`), style: { cursor: 'pointer' } })}
            columns={[
              {
                title: t('eventTitle'),
                render: (_, e) => (
                  <Space orientation="vertical" size={0}>
                    <Link to={`/events/${e.id}`}>{e.title}</Link>
                    <span style={{ fontSize: 12, color: '#888' }}>
                      {Date.parse(e.endsAt) < now ? t('eventPast') : t('eventUpcoming')}
                    </span>
                  </Space>
                ),
              },
              {
                title: t('eventKind'),
                render: (_, e) => <Tag>{eventKindLabel(locale, e.kind)}</Tag>,
                width: 96,
              },
              { title: t('eventWhen'), render: (_, e) => fmtWhen(e), width: 200 },
              {
                title: t('eventHosts'),
                width: 170,
                render: (_, e) => (
                  <>
                    {e.hosts.map((h) => (
                      <CityTag key={h} city={h} />
                    ))}
                  </>
                ),
              },
              { title: t('eventCity'), dataIndex: 'city', width: 90 },
              { title: t('eventFocus'), render: (_, e) => <SegmentTags codes={e.focusSegments} /> },
              { title: t('invitees'), render: (_, e) => e.invitees.length, width: 80 },
            ]}
          />
        </Card>
      )}
      <NewEventModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(e) => {
          setCreating(false);
          navigate(`/events/${e.id}`);
        }}
        jurisdiction={user?.jurisdiction ?? 'beibei'}
      />
    </>
  );
}

/** On a phone the calendar is small: the month's events are listed under it. */
function MonthList(props: { items: PromotionEvent[]; locale: 'zh' | 'en' }) {
  return (
    <List
      size="small"
      dataSource={props.items}
      renderItem={(e) => (
        <List.Item>
          <Space orientation="vertical" size={0}>
            <Link to={`/events/${e.id}`}>{e.title}</Link>
            <span style={{ fontSize: 12, color: '#888' }}>
              {fmtWhen(e)} · {eventKindLabel(props.locale, e.kind)}
            </span>
          </Space>
        </List.Item>
      )}
    />
  );
}

function NewEventModal(props: {
  open: boolean;
  onClose(): void;
  onCreated(e: PromotionEvent): void;
  jurisdiction: string;
}) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [key] = useState(() => crypto.randomUUID());
  const submit = async (v: {
    title: string;
    kind: string;
    when: [Dayjs, Dayjs];
    venue?: string;
    city?: string;
    focusSegments?: string[];
    budgetWan?: number | null;
    summary?: string;
    joint?: boolean;
  }) => {
    setSaving(true);
    setError(null);
    try {
      const created = await eventsApi.create(
        {
          title: v.title,
          kind: v.kind,
          startsAt: v.when[0].toISOString(),
          endsAt: v.when[1].toISOString(),
          venue: v.venue ?? '',
          city: v.city ?? '',
          focusSegments: v.focusSegments ?? [],
          ...(v.budgetWan != null ? { budgetWan: v.budgetWan } : {}),
          summary: v.summary ?? '',
          ...(v.joint ? { hosts: ['beibei', 'mianyang'] } : {}),
        },
        key,
      );
      form.resetFields();
      props.onCreated(created);
    } catch (e) {
      setError(describeError(locale, e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('eventNew')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      width={720}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'promotion' }}>
        <Row gutter={12}>
          <Col xs={24} md={16}>
            <Form.Item name="title" label={t('eventTitle')} rules={[{ required: true }]}>
              <Input id="event-title" maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="kind" label={t('eventKind')}>
              <Select
                id="event-kind"
                options={EVENT_KINDS.map((k) => ({ value: k, label: eventKindLabel(locale, k) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="when" label={t('eventWhen')} rules={[{ required: true }]}>
              <DatePicker.RangePicker
                id="event-when"
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="city" label={t('eventCity')}>
              <Input id="event-city" maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="budgetWan" label={t('eventBudget')}>
              <InputNumber id="event-budget" min={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="venue" label={t('eventVenue')}>
              <Input id="event-venue" maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="focusSegments" label={t('eventFocus')}>
              <SegmentPicker id="event-focus" />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="summary" label={t('eventSummary')}>
              <Input.TextArea id="event-summary" rows={2} maxLength={4000} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="joint" valuePropName="checked" extra={t('eventJointHint')}>
              <Checkbox id="event-joint">{t('eventJoint')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
