import ReactEChartsCore from 'echarts-for-react/lib/core';
import type { CSSProperties } from 'react';
import { echarts } from '../lib/echarts';

export function Chart(props: {
  option: Record<string, unknown>;
  style?: CSSProperties;
  onEvents?: Record<string, (params: any) => void>;
  ariaLabel: string;
}) {
  return (
    <div role="img" aria-label={props.ariaLabel}>
      <ReactEChartsCore
        echarts={echarts}
        option={props.option}
        style={props.style ?? { height: 360 }}
        notMerge
        onEvents={props.onEvents}
      />
    </div>
  );
}
