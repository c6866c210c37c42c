import { EventOutcomesCard } from '../components/EventOutcomesCard';
import { Button, Card, Col, DatePicker, Row, Segmented, Statistic, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { reports, type Period } from '../api/endpoints';
import type { PipelineRow } from '../api/types';
import { Chart } from '../components/Chart';
import { CityTag, ErrorAlert, Loading, useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { downloadCsv, toCsv } from '../lib/csv';
import { moneyParts, moneyUnit, periodOf, WAN_PER, type MoneyUnit, type PeriodKind } from '../lib/period';
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

const PERIODS: PeriodKind[] = ['month', 'quarter', 'halfYear', 'all', 'custom'];
const PERIOD_LABEL = {
  month: 'periodThisMonth',
  quarter: 'periodThisQuarter',
  halfYear: 'periodHalfYear',
  all: 'periodAll',
  custom: 'periodCustom',
} as const;

interface CityFigures {
  jurisdiction: string;
  leads: number;
  plannedInvestmentWan: number;
  signedLeads: number;
  contractAmountWan: number;
  fundsInPlaceWan: number;
}

/**
 * The joint leading group's figures over a period (this month, quarter, the half-year since the
 * last joint meeting, a custom range or all time): leads, planned investment, signed contract
 * amount and funds in place, in 亿元 when large; each city's own, the partner's counted over the
 * leads it shares only (DESIGN §5).
 */
export default function DashboardPage() {
  const { t, stage, enumLabel, locale } = useI18n();
  const { industryName } = useTaxonomy();
  const unitLabel = (u: MoneyUnit) =>
    t(({ yi: 'yiYuan', wan: 'wanYuan', bn: 'bnYuan', m: 'mYuan' } as const)[u]);
  const user = useSession()!;
  const [kind, setKind] = useState<PeriodKind>('halfYear');
  const [custom, setCustom] = useState<[Dayjs, Dayjs] | null>(null);
  const [byStage, setByStage] = useState<PipelineRow[] | null>(null);
  const [byIndustry, setByIndustry] = useState<PipelineRow[] | null>(null);
  const [byCity, setByCity] = useState<PipelineRow[] | null>(null);
  const [summary, setSummary] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<unknown>(null);

  const period: Period = useMemo(
    () =>
      kind === 'custom'
        ? custom
          ? { from: custom[0].format('YYYY-MM-DD'), to: custom[1].format('YYYY-MM-DD') }
          : {}
        : periodOf(kind),
    [kind, custom],
  );

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([
      reports.pipeline('stage', period),
      reports.pipeline('industry,jurisdiction', period),
      reports.pipeline('jurisdiction', period),
    ])
      .then(([s, i, c]) => {
        if (!live) return;
        setByStage(rowsOf(s));
        setByIndustry(rowsOf(i));
        setByCity(rowsOf(c));
      })
      .catch((e) => live && setError(e));
    reports
      .summary(period)
      .then((v) => live && setSummary(v))
      .catch(() => live && setSummary({}));
    return () => {
      live = false;
    };
  }, [period]);

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
    const rows = byIndustry ?? [];
    const industries = [...new Set(rows.map((r) => r.industry!).filter(Boolean))];
    const sum = (ind: string, k: 'plannedInvestmentWan' | 'contractAmountWan' | 'fundsInPlaceWan') =>
      rows.filter((r) => r.industry === ind).reduce((a, r) => a + Number(r[k] ?? 0), 0);
    const max = Math.max(0, ...industries.map((i) => sum(i, 'plannedInvestmentWan')));
    const unit = moneyUnit(max, locale);
    const scale = (v: number) => Math.round((v / WAN_PER[unit]) * 100) / 100;
    const series = (
      [
        ['plannedInvestmentTotal', 'plannedInvestmentWan'],
        ['contractAmountTotal', 'contractAmountWan'],
        ['fundsInPlaceTotal', 'fundsInPlaceWan'],
      ] as const
    ).map(([label, k]) => ({
      name: t(label),
      type: 'bar',
      data: industries.map((ind) => scale(sum(ind, k))),
    }));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 70 },
      xAxis: { type: 'category', data: industries.map(industryName), axisLabel: { interval: 0, rotate: 15 } },
      yAxis: { type: 'value', name: unitLabel(unit) },
      series,
    };
  }, [byIndustry, industryName, t, locale]);

  const cities: CityFigures[] = useMemo(() => {
    const deals = (summary?.deals as { byJurisdiction?: CityFigures[] } | undefined)?.byJurisdiction ?? [];
    const own = user.jurisdiction;
    const order = [own, own === 'beibei' ? 'mianyang' : 'beibei'];
    return order.map((j) => {
      const p = (byCity ?? []).find((r) => r.jurisdiction === j);
      const d = deals.find((r) => r.jurisdiction === j);
      return {
        jurisdiction: j,
        leads: Number(p?.leads ?? 0),
        plannedInvestmentWan: Number(p?.plannedInvestmentWan ?? 0),
        signedLeads: Number(d?.signedLeads ?? 0),
        contractAmountWan: Number(d?.contractAmountWan ?? 0),
        fundsInPlaceWan: Number(d?.fundsInPlaceWan ?? 0),
      };
    });
  }, [byCity, summary, user.jurisdiction]);

  const exportCsv = () => {
    const rows = [
      ...STAGES.map((s) => ['stage', stage(s), '', stageCounts.get(s) ?? 0, '', '', '']),
      ...(byIndustry ?? []).map((r) => [
        'industry',
        industryName(r.industry ?? ''),
        enumLabel(r.jurisdiction ?? ''),
        r.leads,
        r.plannedInvestmentWan,
        r.contractAmountWan ?? 0,
        r.fundsInPlaceWan ?? 0,
      ]),
    ];
    downloadCsv(
      `liancheng-pipeline-${period.from ?? 'all'}-${period.to ?? new Date().toISOString().slice(0, 10)}.csv`,
      toCsv(
        ['group', 'key', t('city'), t('count'), t('plannedInvestment'), t('contractAmount'), t('fundsTotal')],
        rows as never,
      ),
    );
  };

  const money = (title: string, wan: number | undefined, testId?: string) => {
    const parts = moneyParts(wan, locale);
    return (
      <div data-testid={testId}>
        <Statistic
          title={title}
          value={parts?.value ?? '—'}
          suffix={parts ? unitLabel(parts.unit) : undefined}
        />
      </div>
    );
  };
  const count = (title: string, value: number | undefined) => (
    <Statistic title={title} value={value ?? '—'} />
  );
  const cell = (node: React.ReactNode, md = 6) => (
    <Col xs={12} md={md} style={{ marginBottom: 16 }}>
      <Card size="small" style={{ height: '100%' }}>
        {node}
      </Card>
    </Col>
  );

  const totals = {
    leads: [...stageCounts.values()].reduce((a, b) => a + b, 0),
    planned: (byCity ?? []).reduce((a, r) => a + Number(r.plannedInvestmentWan ?? 0), 0),
  };

  return (
    <>
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'baseline',
          flexWrap: 'wrap',
          gap: 8,
        }}
      >
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('dashboard')}
        </Typography.Title>
        <Button onClick={exportCsv} disabled={!byStage}>
          {t('exportCsv')}
        </Button>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
          <Typography.Text strong>{t('period')}</Typography.Text>
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
            <Segmented<PeriodKind>
              aria-label={t('period')}
              data-testid="period"
              value={kind}
              onChange={setKind}
              options={PERIODS.map((k) => ({ value: k, label: t(PERIOD_LABEL[k]) }))}
            />
          </div>
          {kind === 'custom' && (
            <DatePicker.RangePicker
              aria-label={t('periodCustom')}
              value={custom}
              onChange={(v) => setCustom(v && v[0] && v[1] ? [v[0], v[1]] : null)}
            />
          )}
          <Typography.Text type="secondary" data-testid="period-range">
            {period.from || period.to ? `${period.from ?? '…'} ~ ${period.to ?? '…'}` : t('periodAll')}
          </Typography.Text>
        </div>
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('periodNote')}
          </Typography.Text>
        </div>
      </Card>
      {error ? (
        <ErrorAlert error={error} />
      ) : !byStage || !byIndustry || !byCity ? (
        <Loading />
      ) : (
        <>
          <Row gutter={16} data-testid="totals">
            {cell(count(t('leadsTotal'), totals.leads))}
            {cell(money(t('plannedInvestmentTotal'), totals.planned, 'total-planned'))}
            {cell(
              money(t('contractAmountTotal'), pick(summary, 'deals.contractAmountWan'), 'total-contract'),
            )}
            {cell(money(t('fundsInPlaceTotal'), pick(summary, 'deals.fundsInPlaceWan'), 'total-funds'))}
          </Row>
          <Row gutter={16} data-testid="deal-stats">
            {cities.map((c) => (
              <Col xs={24} lg={12} key={c.jurisdiction} style={{ marginBottom: 16 }}>
                <Card
                  size="small"
                  data-testid={`city-${c.jurisdiction}`}
                  title={
                    <span style={{ whiteSpace: 'normal' }}>
                      <CityTag city={c.jurisdiction} />{' '}
                      {c.jurisdiction === user.jurisdiction
                        ? t('ownCityAll', { city: enumLabel(c.jurisdiction) })
                        : t('partnerSharedOnly', { city: enumLabel(c.jurisdiction) })}
                    </span>
                  }
                >
                  <Row gutter={8}>
                    <Col xs={12} sm={6}>
                      {count(t('cityLeads'), c.leads)}
                    </Col>
                    <Col xs={12} sm={6}>
                      {money(t('cityPlanned'), c.plannedInvestmentWan)}
                    </Col>
                    <Col xs={12} sm={6}>
                      {money(t('citySigned', { n: c.signedLeads }), c.contractAmountWan)}
                    </Col>
                    <Col xs={12} sm={6}>
                      {money(t('cityFunds'), c.fundsInPlaceWan)}
                    </Col>
                  </Row>
                </Card>
              </Col>
            ))}
          </Row>
          <Row gutter={16}>
            {cell(
              count(
                `${t('matchesSummary')} · ${t('proposed')}`,
                pick(summary, 'matches.proposed', 'matchesProposed', 'proposedMatches'),
              ),
              8,
            )}
            {cell(
              count(
                `${t('matchesSummary')} · ${t('accepted')}`,
                pick(summary, 'matches.accepted', 'matchesAccepted', 'acceptedMatches'),
              ),
              8,
            )}
            {cell(
              count(
                t('collisionsOpen'),
                pick(summary, 'collisions.open', 'collisionsOpen', 'openCollisions'),
              ),
              8,
            )}
          </Row>
          <EventOutcomesCard />
          <Row gutter={16}>
            <Col xs={24} lg={10} style={{ marginBottom: 16 }}>
              <Card size="small" title={t('funnel')}>
                <Chart ariaLabel={t('funnel')} option={funnel} />
              </Card>
            </Col>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('moneyByIndustry')}>
                <Chart ariaLabel={t('moneyByIndustry')} option={investment} />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </>
  );
}
