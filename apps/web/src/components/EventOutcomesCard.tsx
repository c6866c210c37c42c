import { Card, Col, List, Row, Space, Statistic } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { events as eventsApi } from '../api/endpoints';
import type { EventOutcomes, PromotionEvent } from '../api/types';
import { useI18n } from '../i18n/context';
import { fmtNumber } from './common';

/** How many recent events the card adds up (one outcomes call each). */
const RECENT = 6;

/** Dashboard card 活动成效: what the latest events held brought (DESIGN §16). */
export function EventOutcomesCard() {
  const { t } = useI18n();
  const [rows, setRows] = useState<{ event: PromotionEvent; outcomes: EventOutcomes }[] | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const now = new Date().toISOString();
        const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
        const page = await eventsApi.list({ from, to: now, limit: 200 });
        const held = page.items
          .filter((e) => e.endsAt <= now)
          .slice(-RECENT)
          .reverse();
        const outcomes = await Promise.all(held.map((e) => eventsApi.outcomes(e.id)));
        if (live) setRows(held.map((event, i) => ({ event, outcomes: outcomes[i] })));
      } catch {
        if (live) setRows([]);
      }
    })();
    return () => {
      live = false;
    };
  }, []);
  const sum = (f: (o: EventOutcomes) => number) => (rows ?? []).reduce((a, r) => a + f(r.outcomes), 0);
  return (
    <Card
      size="small"
      title={t('eventsCard')}
      loading={rows === null}
      style={{ marginBottom: 16 }}
      data-testid="events-card"
    >
      <Row gutter={12}>
        <Col xs={12} md={6}>
          <Statistic title={t('eventsHeld')} value={rows?.length ?? 0} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('outcomeLeads')} value={sum((o) => o.leads)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('outcomeSigned')} value={sum((o) => o.signed)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('outcomeContract')}
            value={fmtNumber(
              sum((o) => o.contractAmountWan),
              0,
            )}
          />
        </Col>
      </Row>
      {!!rows?.length && (
        <List
          size="small"
          style={{ marginTop: 8 }}
          dataSource={rows.slice(0, 3)}
          renderItem={(r) => (
            <List.Item>
              <Space size={8} wrap>
                <Link to={`/events/${r.event.id}`}>{r.event.title}</Link>
                <span style={{ fontSize: 12, color: '#888' }}>
                  {t('outcomeLeads')} {r.outcomes.leads} · {t('outcomeSigned')} {r.outcomes.signed}
                </span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
