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
const OTHER_COLOR = '#6092C0';

/*
 * Count axes show whole numbers only (a count of builds is never 0.2). In @elastic/charts 73 the
 * deprecated `integersOnly` no longer reaches the tick computation (axes/ticks/visible_ticks.js reads
 * only `maximumFractionDigits`), so it is `maximumFractionDigits: 0`, and labels print as integers.
 */
export const COUNT_AXIS = {
  maximumFractionDigits: 0,
  tickFormat: (v: number) => Math.round(v).toLocaleString('en-US'),
} as const;

/** What a bar counts, for the chart's help text. */
export const CHART_HELP =
  "Each bar counts the distinct builds with at least one matching log line in that time bucket, stacked by the build's result.";

/** "6-hour buckets", "daily buckets". */
export function bucketLabel(bucketMs: number): string {
  const hours = bucketMs / 3600000;
  if (hours === 24) return 'daily buckets';
  if (hours === 1) return 'hourly buckets';
  return Number.isInteger(hours) ? `${hours}-hour buckets` : `${Math.round(bucketMs / 60000)}-minute buckets`;
}

/** Tick labels: dates for daily buckets, date and hour otherwise (UTC). */
export function timeTick(bucketMs: number): (v: number) => string {
  return bucketMs >= 86400000
    ? (v) => new Date(v).toISOString().slice(5, 10)
    : (v) => new Date(v).toISOString().slice(5, 13).replace('T', ' ') + 'h';
}

/** The statuses of these series in the fixed order of the colours (SUCCESS first, then the failures). */
export function legendStatuses(series: StatusSeries[]): string[] {
  const present = new Set(series.filter((s) => s.data.some(([, y]) => y > 0)).map((s) => s.status));
  const known = Object.keys(COLORS).filter((k) => present.has(k));
  return [...known, ...[...present].filter((k) => !(k in COLORS)).sort()];
}

export function StatusLegend({ statuses }: { statuses: string[] }) {
  return (
    <ul
      aria-label="Build results"
      data-test-subj="statusLegend"
      style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 12px', listStyle: 'none', margin: 0, padding: 0 }}
    >
      {statuses.map((s) => (
        <li key={s} style={{ display: 'flex', alignItems: 'center', gap: 4, fontSize: 12, whiteSpace: 'nowrap' }}>
          <span
            aria-hidden="true"
            style={{
              width: 10,
              height: 10,
              borderRadius: 2,
              background: COLORS[s] ?? OTHER_COLOR,
              display: 'inline-block',
            }}
          />
          {s}
        </li>
      ))}
    </ul>
  );
}

export function chartRows(series: StatusSeries[]): Array<{ x: number; y: number; status: string }> {
  return series.flatMap((s) => s.data.map(([x, y]) => ({ x, y, status: s.status })));
}

function StatusChartView({
  id,
  series,
  height = 160,
  title,
  bucketMs = 3600000,
  domain,
}: {
  id: string;
  series: StatusSeries[];
  height?: number;
  title: string;
  /** Bucket width of the series (the rates answer's bucketMs). */
  bucketMs?: number;
  /** The window [start, end) the series cover, so empty buckets at either end still take their place. */
  domain?: { start: number; end: number };
}) {
  const rows = chartRows(series);
  const total = rows.reduce((n, r) => n + r.y, 0);
  const statuses = legendStatuses(series);
  return (
    <div
      data-test-subj="statusChart"
      role="img"
      aria-label={`${title}: ${total} builds with a hit in ${bucketLabel(bucketMs)}, by result (${statuses.join(', ') || 'none'})`}
      title={CHART_HELP}
    >
      <Chart size={{ height }}>
        <Settings
          baseTheme={LIGHT_THEME}
          showLegend={false}
          xDomain={{
            minInterval: bucketMs,
            min: domain ? domain.start : NaN,
            max: domain ? domain.end - bucketMs : NaN,
          }}
        />
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
          color={(s: any) => COLORS[String(s.splitAccessors?.get('status') ?? '')] ?? OTHER_COLOR}
        />
        <Axis
          id={`${id}-x`}
          position={Position.Bottom}
          title={`Time (UTC, ${bucketLabel(bucketMs)})`}
          tickFormat={timeTick(bucketMs)}
        />
        <Axis id={`${id}-y`} position={Position.Left} title="Builds" {...COUNT_AXIS} />
      </Chart>
      <StatusLegend statuses={statuses} />
    </div>
  );
}

/**
 * Memoized: a page of panels re-renders on every filter, sort or URL change, and redrawing a chart whose
 * series did not change is the costliest part of it (the series arrays come unchanged from the response).
 */
export const StatusChart = React.memo(StatusChartView);
