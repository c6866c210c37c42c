import { Card, Col, List, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { actionItemsDue, collisions as collisionsApi, inbox as inboxApi } from '../api/endpoints';
import { isManager } from '../api/session';
import type { Collision, DueState, Inbox, InboxLead } from '../api/types';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtDate,
  fmtNumber,
  StageTag,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';
import type { DictKey } from '../i18n/dict';

const DUE: Record<DueState, { color: string; label: DictKey }> = {
  overdue: { color: 'red', label: 'inboxOverdue' },
  today: { color: 'orange', label: 'inboxDueToday' },
  later: { color: 'blue', label: 'dueLater' },
  none: { color: 'default', label: 'dueNone' },
};

/** One count of what waits on the user, linking to where it is handled. */
function WaitingCard(props: {
  title: string;
  value: ReactNode;
  to?: string;
  testId: string;
  danger?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Col xs={12} md={8} xl={6} style={{ marginBottom: 16 }}>
      <Card size="small" data-testid={props.testId} style={{ height: '100%' }}>
        <Statistic
          title={props.title}
          value={props.value as number}
          styles={{ content: props.danger ? { color: '#cf1322' } : undefined }}
        />
        {props.to && <Link to={props.to}>{t('inboxOpen')} →</Link>}
      </Card>
    </Col>
  );
}

/**
 * What waits on the signed-in user (GET /me/inbox): their leads due today or overdue, ordered by
 * next action then last change; for managers the city's open collisions, agreements waiting on
 * the city and matches to decide; for officers the collisions and matches on their own leads.
 */
export default function HomePage() {
  const user = useSession()!;
  const manager = isManager(user);
  const { t, enumLabel } = useI18n();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [hits, setHits] = useState<Collision[] | null>(null);
  const [actionItems, setActionItems] = useState<unknown[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    inboxApi()
      .then((box) => live && setInbox(box))
      .catch((e) => live && setError(e));
    // Officers read the collisions on their own leads; managers those of the city, narrowed to theirs.
    collisionsApi
      .list({ status: 'open', limit: 100 })
      .then((page) => live && setHits(page.items))
      .catch(() => live && setHits([]));
    // The action items of the user's city that are overdue or due within 30 days.
    actionItemsDue(user.jurisdiction)
      .then((items) => live && setActionItems(items))
      .catch(() => live && setActionItems(null));
    return () => {
      live = false;
    };
  }, [user, manager]);

  const mine = inbox?.myLeads;
  const mineIds = new Set((mine?.items ?? []).map((l) => l.id));
  const onMine = manager ? (hits ?? []).filter((c) => mineIds.has(c.mine?.leadId)) : (hits ?? []);
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('home')}
      </Typography.Title>
      <ErrorAlert error={error} />
      <Row gutter={16} data-testid="inbox">
        <WaitingCard
          testId="inbox-overdue"
          title={t('inboxOverdue')}
          value={mine?.overdue ?? '—'}
          danger={!!mine?.overdue}
        />
        <WaitingCard testId="inbox-due-today" title={t('inboxDueToday')} value={mine?.dueToday ?? '—'} />
        <WaitingCard
          testId="inbox-collisions"
          title={manager ? t('inboxCollisionsCity') : t('collisionsOnMine')}
          value={inbox?.collisions.count ?? '—'}
          to={manager ? '/collisions' : undefined}
          danger={!!inbox?.collisions.count}
        />
        {manager && (
          <WaitingCard
            testId="inbox-agreements"
            title={t('inboxAgreements')}
            value={inbox?.agreements.count ?? '—'}
            to="/collisions?tab=agreements"
          />
        )}
        <WaitingCard
          testId="inbox-matches"
          title={manager ? t('inboxMatches') : t('inboxMatchesMine')}
          value={inbox?.matches.count ?? '—'}
          to={manager ? '/matches' : undefined}
        />
        {actionItems && (
          <WaitingCard
            testId="inbox-action-items"
            title={t('inboxActionItems')}
            value={actionItems.length}
            to="/action-plan"
          />
        )}
      </Row>
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card
            title={t('myLeads')}
            style={{ marginBottom: 16 }}
            extra={<Link to={`/leads?ownerId=${user.id}`}>{t('leads')}</Link>}
          >
            <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
              {t('myLeadsOrder')}
            </Typography.Paragraph>
            <Table<InboxLead>
              rowKey="id"
              size="small"
              data-testid="my-leads"
              loading={!inbox && !error}
              dataSource={mine?.items ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: <EmptyState /> }}
              scroll={{ x: 'max-content' }}
              columns={[
                {
                  title: t('title'),
                  dataIndex: 'title',
                  render: (v, l) => <Link to={`/leads/${l.id}`}>{v}</Link>,
                },
                { title: t('investor'), dataIndex: 'investorName' },
                { title: t('stage'), dataIndex: 'stage', render: (s) => <StageTag stage={s} />, width: 90 },
                {
                  title: t('nextActionAt'),
                  dataIndex: 'nextActionAt',
                  render: (v: string | null, l) => (
                    <span data-due={l.due}>
                      <Tag color={DUE[l.due].color}>{t(DUE[l.due].label)}</Tag>
                      {v ? fmtDate(v) : ''}
                    </span>
                  ),
                },
                { title: t('lastChange'), dataIndex: 'updatedAt', render: (v) => fmtDate(v) },
                {
                  title: t('plannedInvestment'),
                  dataIndex: 'plannedInvestmentWan',
                  align: 'right',
                  render: (v) => fmtNumber(v),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={t('collisionsOnMine')} data-testid="collisions-on-mine">
            <List
              size="small"
              loading={hits === null || (manager && !inbox && !error)}
              dataSource={onMine}
              locale={{ emptyText: <EmptyState /> }}
              renderItem={(c) => (
                <List.Item>
                  <List.Item.Meta
                    title={<Link to={`/leads/${c.mine.leadId}`}>{c.mine.title}</Link>}
                    description={
                      <>
                        {t('firstReportedBy')}: <CityTag city={c.firstReportedBy} /> {t('basis')}:{' '}
                        {enumLabel(c.basis)}
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
