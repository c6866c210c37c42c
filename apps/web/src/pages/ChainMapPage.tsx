import { Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { enterprises as entApi } from '../api/endpoints';
import type { Enterprise } from '../api/types';
import { Chart } from '../components/Chart';
import { CityTag, EmptyState, ErrorAlert, fmtNumber } from '../components/common';
import { useI18n } from '../i18n/context';
import { isGap, layoutChain, type SegmentCounts } from '../lib/chain-layout';
import { CHAIN_STAGES, useTaxonomy } from '../taxonomy';

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
      const out: Record<string, SegmentCounts> = {};
      for (const r of rows as { segment: string; jurisdiction: string; count: number }[]) {
        out[r.segment] ??= { beibei: 0, mianyang: 0 };
        if (r.jurisdiction === 'beibei' || r.jurisdiction === 'mianyang')
          out[r.segment][r.jurisdiction] = Number(r.count);
      }
      if (rows.length) return out;
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
    setPicked(null);
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

  const option = useMemo(() => {
    const pos = new Map(layoutChain(segments).map((p) => [p.code, p]));
    const codes = new Set(segments.map((s) => s.code));
    const fmt = (n: number, capped?: boolean) => `${n}${capped && n >= CAP ? '+' : ''}`;
    return {
      tooltip: {
        formatter: (p: { dataType: string; data: { code?: string; source?: string; target?: string } }) => {
          if (p.dataType === 'edge') return `${segmentName(p.data.source!)} → ${segmentName(p.data.target!)}`;
          const c = counts?.[p.data.code!];
          return `${segmentName(p.data.code!)}<br/>${enumLabel('beibei')}: ${c ? fmt(c.beibei, c.capped) : '…'}<br/>${enumLabel('mianyang')}: ${c ? fmt(c.mianyang, c.capped) : '…'}`;
        },
      },
      title: CHAIN_STAGES.map((s, i) => ({
        text: t(s),
        left: `${10 + i * 40}%`,
        top: 0,
        textStyle: { fontSize: 13, color: '#888' },
      })),
      series: [
        {
          type: 'graph',
          layout: 'none',
          top: 40,
          bottom: 20,
          left: 90,
          right: 90,
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
          data: segments.map((s) => {
            const c = counts?.[s.code];
            const gap = isGap(c);
            const none = c && c.beibei === 0 && c.mianyang === 0;
            return {
              name: s.code,
              code: s.code,
              x: pos.get(s.code)!.x,
              y: pos.get(s.code)!.y,
              itemStyle: {
                color: gap ? '#fff1f0' : none ? '#fafafa' : '#e6f4ff',
                borderColor: gap ? '#cf1322' : s.code === picked ? '#1f5fbf' : '#91caff',
                borderWidth: gap || s.code === picked ? 2 : 1,
              },
              label: { color: gap ? '#a8071a' : '#1f1f1f' },
            };
          }),
          links: (tax?.edges ?? [])
            .filter((e) => codes.has(e.from) && codes.has(e.to))
            .map((e) => ({ source: e.from, target: e.to })),
          lineStyle: { color: '#8c8c8c', width: 1.2, curveness: 0.1 },
        },
      ],
    };
  }, [segments, counts, tax, picked, segmentName, enumLabel, t, locale]);

  const rows = Math.max(1, ...CHAIN_STAGES.map((s) => segments.filter((x) => x.stage === s).length));
  const gaps = segments.filter((s) => isGap(counts?.[s.code]));

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
        <Chart
          ariaLabel={t('chainMap')}
          option={option}
          style={{ height: 60 + rows * 70 }}
          onEvents={{
            click: (p: { dataType: string; data: { code?: string } }) =>
              p.dataType === 'node' && setPicked(p.data.code!),
          }}
        />
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
