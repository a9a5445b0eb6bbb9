/* Builds over time split by build status: stacked bars from @elastic/charts (a shared dep). */
import React from 'react';
import { Axis, BarSeries, Chart, LIGHT_THEME, Position, ScaleType, Settings } from '@elastic/charts';
import type { StatusSeries } from '../../common/api/rates';

const COLORS: Record<string, string> = {
  SUCCESS: '#54B399',
  FAILURE: '#E7664C',
  TIMED_OUT: '#D6BF57',
  POST_FAILURE: '#DA8B45',
  NODE_FAILURE: '#9170B8',
  RETRY_LIMIT: '#CA8EAE',
};

/*
 * Count axes show whole numbers only (a count of builds is never 0.2). In @elastic/charts 73 the
 * deprecated `integersOnly` no longer reaches the tick computation (axes/ticks/visible_ticks.js reads
 * only `maximumFractionDigits`), so it is `maximumFractionDigits: 0`, and labels print as integers.
 */
export const COUNT_AXIS = {
  maximumFractionDigits: 0,
  tickFormat: (v: number) => Math.round(v).toLocaleString('en-US'),
} as const;

export function chartRows(series: StatusSeries[]): Array<{ x: number; y: number; status: string }> {
  return series.flatMap((s) => s.data.map(([x, y]) => ({ x, y, status: s.status })));
}

function StatusChartView({
  id,
  series,
  height = 140,
  title,
}: {
  id: string;
  series: StatusSeries[];
  height?: number;
  title: string;
}) {
  const rows = chartRows(series);
  const total = rows.reduce((n, r) => n + r.y, 0);
  return (
    <div
      data-test-subj="statusChart"
      role="img"
      aria-label={`${title}: ${total} build-hours with a hit, by status (${series.map((s) => s.status).join(', ') || 'none'})`}
    >
      <Chart size={{ height }}>
        <Settings baseTheme={LIGHT_THEME} showLegend legendPosition={Position.Right} />
        <BarSeries
          id={id}
          name="builds"
          xScaleType={ScaleType.Time}
          yScaleType={ScaleType.Linear}
          xAccessor="x"
          yAccessors={['y']}
          splitSeriesAccessors={['status']}
          stackAccessors={['x']}
          data={rows}
          color={(s: any) => COLORS[String(s.splitAccessors?.get('status') ?? '')] ?? '#6092C0'}
        />
        <Axis
          id={`${id}-x`}
          position={Position.Bottom}
          tickFormat={(v: number) => new Date(v).toISOString().slice(5, 13).replace('T', ' ') + 'h'}
        />
        <Axis id={`${id}-y`} position={Position.Left} {...COUNT_AXIS} />
      </Chart>
    </div>
  );
}

/**
 * Memoized: a page of panels re-renders on every filter, sort or URL change, and redrawing a chart whose
 * series did not change is the costliest part of it (the series arrays come unchanged from the response).
 */
export const StatusChart = React.memo(StatusChartView);
