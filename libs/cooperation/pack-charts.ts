import { existsSync } from 'fs';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { MeetingPack } from './meeting-pack';

/**
 * The pack's charts as PNG images, rendered on the server: ECharts draws SVG without a browser
 * (server-side rendering), resvg turns it into PNG. Chinese labels need a CJK font on the machine:
 * `CHART_FONT_FILE`, else the first of the usual Debian fonts that exists (fonts-wqy-microhei,
 * fonts-noto-cjk); without one, resvg draws the labels with whatever system font it finds.
 */
const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];

export function chartFontFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.CHART_FONT_FILE;
  if (given && existsSync(given)) return given;
  return FONT_CANDIDATES.find((f) => existsSync(f)) ?? null;
}

export const CHART_WIDTH = 900;
export const CHART_HEIGHT = 420;

function toPng(option: echarts.EChartsCoreOption): Buffer {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'sans-serif' },
      ...option,
    });
    const svg = chart.renderToSVGString();
    const font = chartFontFile();
    return new Resvg(svg, {
      font: font
        ? {
            loadSystemFonts: false,
            fontFiles: [font],
            defaultFontFamily: 'sans-serif',
            sansSerifFamily: fontFamilyOf(font),
          }
        : { loadSystemFonts: true },
      fitTo: { mode: 'width', value: CHART_WIDTH * 2 },
    })
      .render()
      .asPng();
  } finally {
    chart.dispose();
  }
}

function fontFamilyOf(file: string): string {
  if (file.includes('wqy-microhei')) return 'WenQuanYi Micro Hei';
  if (file.includes('wqy-zenhei')) return 'WenQuanYi Zen Hei';
  if (file.includes('NotoSansCJK')) return 'Noto Sans CJK SC';
  return 'sans-serif';
}

const CITY_COLORS = ['#1677ff', '#fa8c16'];

/** 招商漏斗: leads at each stage now, by city. */
export function funnelChart(p: MeetingPack): Buffer {
  return toPng({
    color: CITY_COLORS,
    title: { text: '招商漏斗（各阶段项目数）', left: 'center', top: 8 },
    legend: { data: ['北碚区', '绵阳市'], bottom: 8 },
    grid: { left: 60, right: 30, top: 60, bottom: 60 },
    xAxis: { type: 'category', data: p.funnel.map((f) => f.stageName) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: '北碚区',
        type: 'bar',
        data: p.funnel.map((f) => f.beibei),
        label: { show: true, position: 'top' },
      },
      {
        name: '绵阳市',
        type: 'bar',
        data: p.funnel.map((f) => f.mianyang),
        label: { show: true, position: 'top' },
      },
    ],
  });
}

/** 签约额 by industry × city in the period. */
export function contractAmountChart(p: MeetingPack): Buffer {
  return toPng({
    color: CITY_COLORS,
    title: { text: '分产业签约额（万元）', left: 'center', top: 8 },
    legend: { data: ['北碚区', '绵阳市'], bottom: 8 },
    grid: { left: 80, right: 30, top: 60, bottom: 60 },
    xAxis: { type: 'category', data: p.byIndustry.map((r) => r.industryName), axisLabel: { interval: 0 } },
    yAxis: { type: 'value' },
    series: [
      {
        name: '北碚区',
        type: 'bar',
        data: p.byIndustry.map((r) => r.amount.beibei),
        label: { show: true, position: 'top' },
      },
      {
        name: '绵阳市',
        type: 'bar',
        data: p.byIndustry.map((r) => r.amount.mianyang),
        label: { show: true, position: 'top' },
      },
    ],
  });
}
