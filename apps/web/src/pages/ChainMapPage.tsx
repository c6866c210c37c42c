import { Button, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { enterprises as entApi } from '../api/endpoints';
import type { Enterprise } from '../api/types';
import { Chart } from '../components/Chart';
import { CityTag, EmptyState, ErrorAlert, fmtNumber } from '../components/common';
import { useI18n } from '../i18n/context';
import {
  CHAIN_CHART,
  chainChartHeight,
  chainLinkStyle,
  type ChainColumn,
  type EdgeStrength,
  isGap,
  layoutIndustryChain,
  type SegmentCounts,
} from '../lib/chain-layout';
import { useTaxonomy } from '../taxonomy';

const CAP = 200;

/** Enterprise counts per segment and city; from the counts endpoint when the API has one, else from list calls. */
async function loadCounts(segments: string[]): Promise<Record<string, SegmentCounts>> {
  const { session } = await import('../api/session');
  try {
    const res = await fetch(`/api/v1/enterprises/segment-counts?segments=${segments.join(',')}`, {
      headers: session.token ? { Authorization: `Bearer ${session.token}` } : {},
    });
    if (res.ok) {
      const body = (await res.json()) as unknown;
      const rows = Array.isArray(body) ? body : ((body as { items?: unknown[] }).items ?? []);
      // A segment without a row has no enterprise in either city: 0 · 0, not "still loading".
      const out: Record<string, SegmentCounts> = Object.fromEntries(
        segments.map((code) => [code, { beibei: 0, mianyang: 0 }]),
      );
      for (const r of rows as { segment: string; jurisdiction: string; count: number }[]) {
        out[r.segment] ??= { beibei: 0, mianyang: 0 };
        if (r.jurisdiction === 'beibei' || r.jurisdiction === 'mianyang')
          out[r.segment][r.jurisdiction] = Number(r.count);
      }
      return out;
    }
  } catch {
    /* fall back to list calls */
  }
  const pairs = segments.flatMap((s) => (['beibei', 'mianyang'] as const).map((j) => [s, j] as const));
  const pages = await Promise.all(
    pairs.map(([segment, jurisdiction]) => entApi.list({ segment, jurisdiction, limit: CAP })),
  );
  const out: Record<string, SegmentCounts> = {};
  pairs.forEach(([s, j], i) => {
    out[s] ??= { beibei: 0, mianyang: 0 };
    out[s][j] = pages[i].items.length;
    if (pages[i].nextCursor) out[s].capped = true;
  });
  return out;
}

export default function ChainMapPage() {
  const { t, named, enumLabel, locale } = useI18n();
  const { data: tax, segmentName } = useTaxonomy();
  const [industry, setIndustry] = useState<string>('nev');
  const [counts, setCounts] = useState<Record<string, SegmentCounts> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [list, setList] = useState<Enterprise[] | null>(null);

  const segments = useMemo(
    () => (tax?.segments ?? []).filter((s) => s.industry === industry),
    [tax, industry],
  );

  useEffect(() => {
    if (!segments.length) return;
    let live = true;
    setCounts(null);
    // Keep a segment picked from a linked node of another industry (it belongs to the new one).
    setPicked((p) => (p && segments.some((s) => s.code === p) ? p : null));
    loadCounts(segments.map((s) => s.code))
      .then((c) => live && setCounts(c))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [segments]);

  useEffect(() => {
    if (!picked) return;
    setList(null);
    entApi
      .list({ segment: picked, limit: 100 })
      .then((p) => setList(p.items))
      .catch(setError);
  }, [picked]);

  const layout = useMemo(
    () => (tax ? layoutIndustryChain(tax, industry, { width: CHAIN_CHART.layoutWidth }) : null),
    [tax, industry],
  );
  const industryName = useCallback(
    (code: string) => named(tax?.industries.find((i) => i.code === code)),
    [tax, named],
  );
  /** Why an edge has its strength, in the reader's language. */
  const edgeReason = useMemo(() => {
    const byKey = new Map((tax?.edges ?? []).map((e) => [`${e.from}>${e.to}`, e]));
    return (from: string, to: string) => {
      const e = byKey.get(`${from}>${to}`);
      return e ? (locale === 'zh' ? e.reason : e.reasonEn) : '';
    };
  }, [tax, locale]);
  /** Other industries linked to this one, with how many of their segments are shown. */
  const linked = useMemo(() => {
    const n = new Map<string, number>();
    for (const node of layout?.nodes ?? [])
      if (node.external) n.set(node.industry, (n.get(node.industry) ?? 0) + 1);
    return (tax?.industries ?? [])
      .filter((i) => n.has(i.code))
      .map((i) => ({ code: i.code, count: n.get(i.code)! }));
  }, [layout, tax]);

  const option = useMemo(() => {
    const fmt = (n: number, capped?: boolean) => `${n}${capped && n >= CAP ? '+' : ''}`;
    const columnTitle = (c: ChainColumn) =>
      c === 'in' ? t('suppliesFrom') : c === 'out' ? t('suppliesTo') : t(c);
    // Column titles are label-only nodes above each column, so they stay aligned with it at any width.
    const headers = (layout?.columns ?? []).map((c) => ({
      name: `header:${c.column}`,
      header: true,
      x: c.x,
      y: -CHAIN_CHART.headerOffset,
      symbolSize: [150, 20],
      itemStyle: { color: 'transparent', borderWidth: 0 },
      label: {
        formatter: columnTitle(c.column),
        fontSize: 13,
        color: c.column === 'in' || c.column === 'out' ? '#8c8c8c' : '#595959',
      },
      tooltip: { show: false },
      emphasis: { disabled: true },
    }));
    const nodes = (layout?.nodes ?? []).map((n) => {
      if (n.external)
        return {
          name: n.code,
          code: n.code,
          industry: n.industry,
          external: true,
          x: n.x,
          y: n.y,
          symbolSize: [150, 32],
          itemStyle: { color: '#fafafa', borderColor: '#8c8c8c', borderType: 'dashed', borderWidth: 1 },
          label: {
            fontSize: 10,
            lineHeight: 13,
            color: '#595959',
            formatter: `{ind|${industryName(n.industry)}}\n${segmentName(n.code)}`,
            rich: { ind: { fontSize: 9, color: '#8c8c8c', lineHeight: 12 } },
          },
          cursor: 'pointer',
        };
      const c = counts?.[n.code];
      const gap = isGap(c);
      const none = c && c.beibei === 0 && c.mianyang === 0;
      return {
        name: n.code,
        code: n.code,
        x: n.x,
        y: n.y,
        itemStyle: {
          color: gap ? '#fff1f0' : none ? '#fafafa' : '#e6f4ff',
          borderColor: gap ? '#cf1322' : n.code === picked ? '#1f5fbf' : '#91caff',
          borderWidth: gap || n.code === picked ? 2 : 1,
        },
        label: { color: gap ? '#a8071a' : '#1f1f1f' },
      };
    });
    return {
      tooltip: {
        formatter: (p: {
          dataType: string;
          data: {
            code?: string;
            source?: string;
            target?: string;
            strength?: EdgeStrength;
            industry?: string;
            external?: boolean;
          };
        }) => {
          if (p.dataType === 'edge')
            return `${segmentName(p.data.source!)} → ${segmentName(p.data.target!)} · ${enumLabel(p.data.strength!)}<br/>${edgeReason(p.data.source!, p.data.target!)}`;
          if (!p.data.code) return '';
          if (p.data.external)
            return `${industryName(p.data.industry!)} · ${segmentName(p.data.code)}<br/>${t('crossIndustryHint')}`;
          const c = counts?.[p.data.code];
          return `${segmentName(p.data.code)}<br/>${enumLabel('beibei')}: ${c ? fmt(c.beibei, c.capped) : '…'}<br/>${enumLabel('mianyang')}: ${c ? fmt(c.mianyang, c.capped) : '…'}`;
        },
      },
      series: [
        {
          type: 'graph',
          layout: 'none',
          ...CHAIN_CHART.margin,
          roam: false,
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 8,
          symbol: 'roundRect',
          symbolSize: [150, 44],
          label: {
            show: true,
            fontSize: 11,
            formatter: (p: { data: { code: string } }) => {
              const c = counts?.[p.data.code];
              const nums = c
                ? `${locale === 'zh' ? '碚' : 'BB'} ${fmt(c.beibei, c.capped)} · ${locale === 'zh' ? '绵' : 'MY'} ${fmt(c.mianyang, c.capped)}`
                : '…';
              return `${segmentName(p.data.code)}\n${nums}`;
            },
          },
          data: [...headers, ...nodes],
          links: (layout?.links ?? []).map((l) => ({
            source: l.source,
            target: l.target,
            strength: l.strength,
            lineStyle: chainLinkStyle(l),
          })),
          lineStyle: { curveness: 0.1 },
        },
      ],
    };
  }, [layout, counts, picked, segmentName, industryName, enumLabel, edgeReason, t, locale]);

  const gaps = segments.filter((s) => isGap(counts?.[s.code]));
  const chartHeight = chainChartHeight(layout);

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('chainMap')}
        </Typography.Title>
        <Segmented
          aria-label={t('industry')}
          value={industry}
          onChange={(v) => setIndustry(String(v))}
          options={(tax?.industries ?? []).map((i) => ({ value: i.code, label: named(i) }))}
        />
      </Space>
      <ErrorAlert error={error} />
      <Card
        size="small"
        data-testid="chain-map"
        data-ready={counts ? 'true' : 'false'}
        extra={<Typography.Text type="secondary">{t('gapHint')}</Typography.Text>}
        data-industry={industry}
        title={
          <>
            {t('gap')}:{' '}
            {gaps.length
              ? gaps.map((g) => (
                  <Tag color="red" key={g.code}>
                    {segmentName(g.code)}
                  </Tag>
                ))
              : '—'}
          </>
        }
      >
        {linked.length > 0 && (
          <Space size={4} wrap data-testid="chain-cross">
            <Typography.Text type="secondary">{t('crossIndustry')}:</Typography.Text>
            {linked.map((l) => (
              <Button
                key={l.code}
                size="small"
                type="dashed"
                onClick={() => setIndustry(l.code)}
                data-testid={`chain-cross-${l.code}`}
              >
                {industryName(l.code)} · {l.count}
              </Button>
            ))}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('crossIndustryHint')}
            </Typography.Text>
          </Space>
        )}
        <Space size={16} wrap data-testid="chain-legend" style={{ marginTop: 4 }}>
          {(['core', 'supporting'] as const).map((strength) => {
            const style = chainLinkStyle({ strength, cross: false });
            return (
              <span key={strength} style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
                <svg width="36" height="8" aria-hidden>
                  <line
                    x1="0"
                    y1="4"
                    x2="36"
                    y2="4"
                    stroke={style.color}
                    strokeWidth={style.width + 0.4}
                    strokeDasharray={style.type === 'dashed' ? '5 4' : undefined}
                  />
                </svg>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(strength === 'core' ? 'chainLegendCore' : 'chainLegendSupporting')}
                </Typography.Text>
              </span>
            );
          })}
        </Space>
        <div style={{ overflowX: 'auto' }}>
          <div style={{ minWidth: CHAIN_CHART.minChartWidth }}>
            <Chart
              ariaLabel={t('chainMap')}
              option={option}
              style={{ height: chartHeight }}
              onEvents={{
                click: (p: {
                  dataType: string;
                  data: { code?: string; industry?: string; external?: boolean };
                }) => {
                  if (p.dataType !== 'node' || !p.data.code) return;
                  if (p.data.external) setIndustry(p.data.industry!);
                  setPicked(p.data.code);
                },
              }}
            />
          </div>
        </div>
      </Card>
      {picked && (
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={t('enterprisesIn', { segment: segmentName(picked) })}
          extra={<Link to={`/base?segment=${picked}`}>{t('baseData')}</Link>}
        >
          <Table<Enterprise>
            rowKey="id"
            size="small"
            loading={list === null}
            dataSource={list ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: <EmptyState /> }}
            columns={[
              {
                title: t('name'),
                dataIndex: 'name',
                render: (n, e) => (
                  <>
                    {n} {e.chainLeader && <Tag color="gold">{t('chainLeader')}</Tag>}
                  </>
                ),
              },
              { title: t('city'), dataIndex: 'jurisdiction', render: (c) => <CityTag city={c} />, width: 90 },
              {
                title: t('revenue'),
                dataIndex: 'revenueWan',
                align: 'right',
                render: (v) => fmtNumber(v),
                width: 130,
              },
            ]}
          />
        </Card>
      )}
    </>
  );
}
