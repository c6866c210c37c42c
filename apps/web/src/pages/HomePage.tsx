import { Card, Col, List, Row, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { collisions as collisionsApi, leads as leadsApi } from '../api/endpoints';
import { isManager } from '../api/session';
import type { Collision, Lead } from '../api/types';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtDate,
  fmtNumber,
  investorLabel,
  StageTag,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';

export default function HomePage() {
  const user = useSession()!;
  const { t, enumLabel } = useI18n();
  const [mine, setMine] = useState<Lead[] | null>(null);
  const [hits, setHits] = useState<Collision[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    leadsApi
      .list({ ownerId: user.id, limit: 200 })
      .then(async (page) => {
        if (!live) return;
        setMine(page.items);
        const ids = new Set(page.items.map((l) => l.id));
        // Only managers read the collisions inbox (DESIGN §5); officers see collisions when they save a lead.
        const open = isManager(user)
          ? await collisionsApi.list({ status: 'open', limit: 200 }).catch(() => null)
          : null;
        if (live && open) setHits(open.items.filter((c) => ids.has(c.mine?.leadId)));
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [user]);

  const due = (mine ?? [])
    .filter((l) => l.nextActionAt && !['lost', 'operating'].includes(l.stage))
    .sort((a, b) => String(a.nextActionAt).localeCompare(String(b.nextActionAt)))
    .slice(0, 10);

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('home')}
      </Typography.Title>
      <ErrorAlert error={error} />
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={t('myLeads')} extra={<Link to={`/leads?ownerId=${user.id}`}>{t('leads')}</Link>}>
            <Table<Lead>
              rowKey="id"
              size="small"
              loading={mine === null && !error}
              dataSource={mine ?? []}
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              locale={{ emptyText: <EmptyState /> }}
              columns={[
                {
                  title: t('title'),
                  dataIndex: 'title',
                  render: (v, l) => <Link to={`/leads/${l.id}`}>{v}</Link>,
                },
                { title: t('investor'), render: (_, l) => investorLabel(l) },
                { title: t('stage'), dataIndex: 'stage', render: (s) => <StageTag stage={s} />, width: 100 },
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
        <Col xs={24} xl={10}>
          <Card title={t('nextActions')} style={{ marginBottom: 16 }}>
            <List
              size="small"
              dataSource={due}
              locale={{ emptyText: <EmptyState /> }}
              renderItem={(l) => (
                <List.Item extra={<StageTag stage={l.stage} />}>
                  <List.Item.Meta
                    title={<Link to={`/leads/${l.id}`}>{l.title}</Link>}
                    description={fmtDate(l.nextActionAt)}
                  />
                </List.Item>
              )}
            />
          </Card>
          <Card title={t('collisionsOnMine')}>
            <List
              size="small"
              dataSource={hits}
              locale={{ emptyText: <EmptyState /> }}
              renderItem={(c) => {
                return (
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
                );
              }}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
