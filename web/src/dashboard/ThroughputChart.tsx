/**
 * Tasks settled and failed per second over the last minutes, drawn by uPlot
 * on a canvas. The plot is made once and given new data on each snapshot;
 * it follows its container's width.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { ThroughputPoint } from '../../../shared/api-types.ts';

const HEIGHT_PX = 220;

interface Props {
  /** Whole seconds, oldest first. */
  points: ThroughputPoint[];
}

export function ThroughputChart({ points }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(options(el), toData([]), el);
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: widthOf(el), height: HEIGHT_PX }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(toData(points));
  }, [points]);

  const empty = points.every((p) => p.settled === 0 && p.failed === 0);
  return (
    <div className="chart-box">
      <p className="legend" aria-hidden="true">
        <span className="swatch swatch-ok" /> settled{' '}
        <span className="swatch swatch-bad" /> failed
      </p>
      <div ref={box} className="chart" data-testid="throughput-chart" />
      {empty ? (
        <p className="chart-empty muted">
          No tasks ended in the last ten minutes.
        </p>
      ) : null}
    </div>
  );
}

function widthOf(el: HTMLElement): number {
  return Math.max(200, Math.floor(el.clientWidth));
}

/** A tick of the time axis: the time of day, to the second, in the reader's locale. */
function clockTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

function toData(series: ThroughputPoint[]): uPlot.AlignedData {
  return [
    series.map((p) => p.t / 1000),
    series.map((p) => p.settled),
    series.map((p) => p.failed),
  ];
}

/** Colours come from the page's CSS variables, so the chart follows the theme. */
function options(el: HTMLElement): uPlot.Options {
  const css = getComputedStyle(el);
  const color = (name: string) => css.getPropertyValue(name).trim();
  const axis: uPlot.Axis = {
    stroke: color('--muted'),
    grid: { stroke: color('--line'), width: 1 },
    ticks: { stroke: color('--line'), width: 1 },
  };
  return {
    width: widthOf(el),
    height: HEIGHT_PX,
    legend: { show: false },
    // Room on the right for the last time label, which is centred on its tick.
    padding: [8, 28, 0, 0],
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
    },
    series: [
      {},
      {
        label: 'settled / s',
        stroke: color('--accent'),
        fill: color('--accent-fill'),
        width: 2,
        points: { show: false },
      },
      {
        label: 'failed / s',
        stroke: color('--warn'),
        width: 2,
        points: { show: false },
      },
    ],
    axes: [
      {
        ...axis,
        space: 70,
        // Whole seconds only: the series has one point a second.
        incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600],
        values: (_u, splits) => splits.map(clockTime),
      },
      { ...axis, size: 44 },
    ],
  };
}
