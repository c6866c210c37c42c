import { EventOutcomesCard } from '../components/EventOutcomesCard';
import { Button, Card, Col, Row, Statistic, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { reports } from '../api/endpoints';
import type { PipelineRow } from '../api/types';
import { Chart } from '../components/Chart';
import { ErrorAlert, Loading } from '../components/common';
import { useI18n } from '../i18n/context';
import { downloadCsv, toCsv } from '../lib/csv';
import { FORWARD_STAGES, STAGES } from '../lib/stages';
import { useTaxonomy } from '../taxonomy';

function rowsOf(value: unknown): PipelineRow[] {
  if (Array.isArray(value)) return value as PipelineRow[];
  const v = value as { rows?: PipelineRow[]; items?: PipelineRow[]; groups?: PipelineRow[] };
  return v?.rows ?? v?.items ?? v?.groups ?? [];
}

/** Numbers in a summary object, whatever its nesting ({matches:{proposed}} or {matchesProposed}). */
export function pick(summary: Record<string, unknown> | null, ...paths: string[]): number | undefined {
  for (const path of paths) {
    let cur: unknown = summary;
    for (const part of path.split('.'))
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
    if (typeof cur === 'number') return cur;
    if (typeof cur === 'string' && cur !== '' && !Number.isNaN(Number(cur))) return Number(cur);
  }
  return undefined;
}

export default function DashboardPage() {
  const { t, stage, enumLabel } = useI18n();
  const { industryName } = useTaxonomy();
  const [byStage, setByStage] = useState<PipelineRow[] | null>(null);
  const [byIndustry, setByIndustry] = useState<PipelineRow[] | null>(null);
  const [summary, setSummary] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    Promise.all([reports.pipeline('stage'), reports.pipeline('industry,jurisdiction')])
      .then(([s, i]) => {
        setByStage(rowsOf(s));
        setByIndustry(rowsOf(i));
      })
      .catch(setError);
    reports
      .summary()
      .then(setSummary)
      .catch(() => setSummary({}));
  }, []);

  const stageCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of byStage ?? []) if (r.stage) m.set(r.stage, (m.get(r.stage) ?? 0) + Number(r.leads));
    return m;
  }, [byStage]);

  const funnel = useMemo(() => {
    // A lead past a stage has gone through it: the funnel counts leads at or beyond each stage.
    let acc = 0;
    const reached = [...FORWARD_STAGES].reverse().map((s) => {
      acc += stageCounts.get(s) ?? 0;
      return { name: stage(s), value: acc };
    });
    return {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '10%',
          width: '80%',
          label: { formatter: '{b}: {c}' },
          data: reached.reverse(),
        },
      ],
    };
  }, [stageCounts, stage]);

  const investment = useMemo(() => {
    const industries = [...new Set((byIndustry ?? []).map((r) => r.industry!).filter(Boolean))];
    const series = (['beibei', 'mianyang'] as const).map((j) => ({
      name: enumLabel(j),
      type: 'bar',
      data: industries.map((ind) =>
        (byIndustry ?? [])
          .filter((r) => r.industry === ind && r.jurisdiction === j)
          .reduce((s, r) => s + Number(r.plannedInvestmentWan ?? 0), 0),
      ),
    }));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 80, right: 20, top: 40, bottom: 70 },
      xAxis: { type: 'category', data: industries.map(industryName), axisLabel: { interval: 0, rotate: 15 } },
      yAxis: { type: 'value', name: t('wan') },
      series,
    };
  }, [byIndustry, enumLabel, industryName, t]);

  const exportCsv = () => {
    const rows = [
      ...STAGES.map((s) => ['stage', stage(s), '', stageCounts.get(s) ?? 0, '']),
      ...(byIndustry ?? []).map((r) => [
        'industry',
        industryName(r.industry ?? ''),
        enumLabel(r.jurisdiction ?? ''),
        r.leads,
        r.plannedInvestmentWan,
      ]),
    ];
    downloadCsv(
      `liancheng-pipeline-${new Date().toISOString().slice(0, 10)}.csv`,
      toCsv(['group', 'key', t('city'), t('count'), t('plannedInvestment')], rows as never),
    );
  };

  if (error) return <ErrorAlert error={error} />;
  if (!byStage || !byIndustry) return <Loading />;
  const stat = (title: string, value: number | undefined) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic title={title} value={value ?? '—'} />
      </Card>
    </Col>
  );
  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('dashboard')}
        </Typography.Title>
        <Button onClick={exportCsv}>{t('exportCsv')}</Button>
      </div>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        {stat(
          `${t('matchesSummary')} · ${t('proposed')}`,
          pick(summary, 'matches.proposed', 'matchesProposed', 'proposedMatches'),
        )}
        {stat(
          `${t('matchesSummary')} · ${t('accepted')}`,
          pick(summary, 'matches.accepted', 'matchesAccepted', 'acceptedMatches'),
        )}
        {stat(t('collisionsOpen'), pick(summary, 'collisions.open', 'collisionsOpen', 'openCollisions'))}
        {stat(
          t('total'),
          [...stageCounts.values()].reduce((a, b) => a + b, 0),
        )}
      </Row>
      <Row gutter={16} style={{ marginBottom: 16 }} data-testid="deal-stats">
        {stat(t('signedLeads'), pick(summary, 'deals.signedLeads'))}
        {stat(t('contractAmount'), pick(summary, 'deals.contractAmountWan'))}
        {stat(t('fundsTotal'), pick(summary, 'deals.fundsInPlaceWan'))}
      </Row>
      <EventOutcomesCard />
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('funnel')}>
            <Chart ariaLabel={t('funnel')} option={funnel} />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('investmentByIndustry')}>
            <Chart ariaLabel={t('investmentByIndustry')} option={investment} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
