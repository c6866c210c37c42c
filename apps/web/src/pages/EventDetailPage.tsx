import { CheckOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  List,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { enterprises as enterprisesApi, events as eventsApi } from '../api/endpoints';
import type { EventOutcomes, Invitee, InviteeSuggestion, PromotionEvent } from '../api/types';
import { useAgreementActions } from '../components/agreements';
import {
  CityTag,
  ErrorAlert,
  Loading,
  SegmentTags,
  StageTag,
  fmtNumber,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';
import {
  INVITEE_STATUSES,
  STATUS_COLORS,
  eventKindLabel,
  fmtWhen,
  inviteeStatusLabel,
  isToday,
} from '../lib/events';
import { FORWARD_STAGES } from '../lib/stages';

/** One event: details, invitees (with suggestions and check-in), outcomes (DESIGN §16). */
export default function EventDetailPage() {
  const { id = '' } = useParams();
  const { t, locale, stage } = useI18n();
  const user = useSession();
  const { message } = App.useApp();
  const [event, setEvent] = useState<PromotionEvent | null>(null);
  const [suggestions, setSuggestions] = useState<InviteeSuggestion[]>([]);
  const [outcomes, setOutcomes] = useState<EventOutcomes | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [e, s, o] = await Promise.all([
        eventsApi.get(id),
        eventsApi.suggestions(id, 20),
        eventsApi.outcomes(id),
      ]);
      setEvent(e);
      setSuggestions(s);
      setOutcomes(o);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id, locale]);
  useEffect(() => {
    void load();
  }, [load]);
  const decide = useAgreementActions(load);

  if (error && !event) return <ErrorAlert error={error} />;
  if (!event || !user) return <Loading />;
  const host = event.hosts.includes(user.jurisdiction);
  const manager = user.role === 'manager' || user.role === 'admin';
  const today = isToday(event);

  /** Saves the whole list (PUT /events/:id/invitees) with the version shown. */
  const save = async (next: Partial<Invitee>[], done?: string) => {
    setBusy(true);
    try {
      const updated = await eventsApi.putInvitees(
        event.id,
        event.version,
        next.map((i) =>
          i.enterpriseId
            ? { enterpriseId: i.enterpriseId, status: i.status }
            : { name: i.name, status: i.status },
        ),
      );
      setEvent(updated);
      setSuggestions(await eventsApi.suggestions(event.id, 20));
      if (done) message.success(done);
    } catch (e) {
      message.error(describeError(locale, e));
      await load();
    } finally {
      setBusy(false);
    }
  };
  const add = (i: Partial<Invitee>) =>
    save([...event.invitees, { status: 'invited', ...i }], t('inviteeAdd'));
  const setStatus = (index: number, status: Invitee['status']) =>
    save(
      event.invitees.map((x, n) => (n === index ? { ...x, status } : x)),
      status === 'attended' ? t('checkedIn') : undefined,
    );

  return (
    <>
      <Space orientation="vertical" size={4} style={{ marginBottom: 12 }}>
        <Link to="/events">← {t('eventsMenu')}</Link>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {event.title}
        </Typography.Title>
        <Space wrap>
          <Tag color="geekblue">{eventKindLabel(locale, event.kind)}</Tag>
          {event.hosts.map((h) => (
            <CityTag key={h} city={h} />
          ))}
          {event.hosts.length > 1 && <Tag color="purple">{t('eventJoint')}</Tag>}
        </Space>
      </Space>
      {event.pendingCohostAgreementId && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('eventCohostPending')}
          action={
            !host && manager ? (
              <Space>
                <Button
                  size="small"
                  type="primary"
                  onClick={() => decide(event.pendingCohostAgreementId!, 'accept')}
                >
                  {t('agree')}
                </Button>
                <Button
                  size="small"
                  danger
                  onClick={() => decide(event.pendingCohostAgreementId!, 'decline')}
                >
                  {t('decline')}
                </Button>
              </Space>
            ) : undefined
          }
        />
      )}
      <ErrorAlert error={error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card
            title={t('eventInfo')}
            extra={
              host && event.hosts.length === 1 && !event.pendingCohostAgreementId ? (
                <Button
                  size="small"
                  onClick={async () => {
                    try {
                      await eventsApi.proposeCohost(event.id);
                      message.success(t('eventCohostProposed'));
                      await load();
                    } catch (e) {
                      message.error(describeError(locale, e));
                    }
                  }}
                >
                  {t('eventProposeCohost')}
                </Button>
              ) : null
            }
          >
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label={t('eventWhen')}>{fmtWhen(event)}</Descriptions.Item>
              <Descriptions.Item label={t('eventCity')}>{event.city || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('eventVenue')}>{event.venue || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('eventBudget')}>{fmtNumber(event.budgetWan, 1)}</Descriptions.Item>
              <Descriptions.Item label={t('eventFocus')} span={2}>
                <SegmentTags codes={event.focusSegments} />
              </Descriptions.Item>
              <Descriptions.Item label={t('eventSummary')} span={2}>
                {event.summary || '—'}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <OutcomesPanel outcomes={outcomes} stageLabel={stage} />
        </Col>
        <Col xs={24} lg={14}>
          <Card title={`${t('invitees')} (${event.invitees.length})`} data-testid="invitees">
            {host && <AddInvitee onAdd={add} busy={busy} taken={event.invitees} />}
            <Table<Invitee & { index: number }>
              size="small"
              rowKey={(r) => r.enterpriseId ?? `name:${r.name}`}
              dataSource={event.invitees.map((i, index) => ({ ...i, index }))}
              pagination={event.invitees.length > 20 ? { pageSize: 20 } : false}
              locale={{ emptyText: <Empty description={t('noData')} /> }}
              scroll={{ x: 420 }}
              columns={[
                {
                  title: t('name'),
                  render: (_, r) =>
                    r.enterpriseId ? (
                      <Link to={`/base?tab=enterprises&id=${r.enterpriseId}`}>{r.name}</Link>
                    ) : (
                      r.name
                    ),
                },
                {
                  title: t('inviteeStatus'),
                  width: 130,
                  render: (_, r) =>
                    host ? (
                      <Select
                        size="small"
                        value={r.status}
                        disabled={busy}
                        aria-label={`${t('inviteeStatus')} ${r.name}`}
                        style={{ width: 110 }}
                        onChange={(v) => void setStatus(r.index, v)}
                        options={INVITEE_STATUSES.map((s) => ({
                          value: s,
                          label: inviteeStatusLabel(locale, s),
                        }))}
                      />
                    ) : (
                      <Tag color={STATUS_COLORS[r.status]}>{inviteeStatusLabel(locale, r.status)}</Tag>
                    ),
                },
                ...(host
                  ? [
                      {
                        title: t('checkIn'),
                        width: 96,
                        render: (_: unknown, r: Invitee & { index: number }) =>
                          r.status === 'attended' ? (
                            <Tag color="green" icon={<CheckOutlined />}>
                              {t('checkedIn')}
                            </Tag>
                          ) : (
                            <Button
                              size="small"
                              type={today ? 'primary' : 'default'}
                              disabled={busy}
                              onClick={() => void setStatus(r.index, 'attended')}
                            >
                              {t('checkIn')}
                            </Button>
                          ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('suggestions')}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('suggestionsHint')}
            </Typography.Text>
            <List
              size="small"
              dataSource={suggestions}
              locale={{ emptyText: <Empty description={t('noData')} /> }}
              data-testid="suggestions"
              renderItem={(s) => (
                <List.Item
                  actions={
                    host
                      ? [
                          <Button
                            key="add"
                            size="small"
                            icon={<PlusOutlined />}
                            disabled={busy}
                            aria-label={`${t('inviteeAdd')} ${s.name}`}
                            onClick={() => void add({ enterpriseId: s.enterpriseId, name: s.name })}
                          >
                            {t('inviteeAdd')}
                          </Button>,
                        ]
                      : []
                  }
                >
                  <List.Item.Meta
                    title={
                      <Space size={4} wrap>
                        <span>{s.name}</span>
                        <CityTag city={s.jurisdiction} />
                        {s.chainLeader && <Tag color="gold">{t('chainLeader')}</Tag>}
                      </Space>
                    }
                    description={<span style={{ fontSize: 12 }}>{s.reasons[0]?.text}</span>}
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );

  function OutcomesPanel(props: { outcomes: EventOutcomes | null; stageLabel: (s: string) => string }) {
    const o = props.outcomes;
    if (!o) return <Card title={t('outcomes')} loading />;
    return (
      <Card title={t('outcomes')} data-testid="outcomes">
        <Row gutter={[12, 12]}>
          <Col span={12}>
            <Statistic title={t('outcomeLeads')} value={o.leads} />
          </Col>
          <Col span={12}>
            <Statistic title={t('outcomeSigned')} value={o.signed} />
          </Col>
          <Col span={12}>
            <Statistic title={t('outcomeContract')} value={fmtNumber(o.contractAmountWan, 1)} />
          </Col>
          <Col span={12}>
            <Statistic title={t('outcomeFunds')} value={fmtNumber(o.fundsInPlaceWan, 1)} />
          </Col>
          <Col span={24}>
            <Statistic
              title={t('outcomeCostPerDeal')}
              value={o.costPerSignedWan === null ? '—' : fmtNumber(o.costPerSignedWan, 2)}
            />
          </Col>
        </Row>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 12 }}>
          {t('outcomeReached')}
        </Typography.Text>
        <Space wrap size={4}>
          {FORWARD_STAGES.filter((s) => o.reached[s] > 0).map((s) => (
            <Tag key={s}>
              {props.stageLabel(s)} {o.reached[s]}
            </Tag>
          ))}
        </Space>
        {o.visibleLeads.length > 0 && (
          <List
            size="small"
            style={{ marginTop: 8 }}
            dataSource={o.visibleLeads}
            renderItem={(l) => (
              <List.Item>
                <Space size={4} wrap>
                  <Link to={`/leads/${l.id}`}>{l.title}</Link>
                  <StageTag stage={l.stage} />
                  <CityTag city={l.jurisdiction} />
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
    );
  }
}

/** Adds an invitee: an enterprise of the base data (searched by name) or a guest by name. */
function AddInvitee(props: { onAdd(i: Partial<Invitee>): Promise<void>; busy: boolean; taken: Invitee[] }) {
  const { t } = useI18n();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [guest, setGuest] = useState('');
  const seq = useRef(0);
  const search = async (q: string) => {
    const mine = ++seq.current;
    const page = await enterprisesApi.list({ q: q || undefined, limit: 20 }).catch(() => null);
    if (!page || mine !== seq.current) return;
    const taken = new Set(props.taken.map((i) => i.enterpriseId));
    setOptions(page.items.filter((e) => !taken.has(e.id)).map((e) => ({ value: e.id, label: e.name })));
  };
  return (
    <Space wrap style={{ marginBottom: 12, width: '100%' }}>
      <Select
        showSearch={{ filterOption: false, onSearch: (q) => void search(q) }}
        placeholder={t('inviteePickEnterprise')}
        aria-label={t('inviteePickEnterprise')}
        style={{ width: 260 }}
        options={options}
        value={null}
        disabled={props.busy}
        onFocus={() => void search('')}
        onChange={(id: string) => {
          const o = options.find((x) => x.value === id);
          void props.onAdd({ enterpriseId: id, name: o?.label ?? '' });
        }}
      />
      <Space.Compact>
        <Input
          placeholder={t('inviteeAddGuest')}
          aria-label={t('inviteeAddGuest')}
          value={guest}
          maxLength={200}
          onChange={(e) => setGuest(e.target.value)}
          style={{ width: 180 }}
        />
        <Button
          disabled={!guest.trim() || props.busy}
          onClick={async () => {
            await props.onAdd({ name: guest.trim() });
            setGuest('');
          }}
        >
          {t('inviteeAdd')}
        </Button>
      </Space.Compact>
    </Space>
  );
}
