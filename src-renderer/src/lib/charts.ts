/**
 * chart.js, registered with only what the training charts use, plus the settings that keep a
 * streaming line chart smooth at 100k+ points: no animation, pre-parsed {x, y} points, LTTB
 * decimation, and a hover mode that reports every series at the hovered step (TensorBoard style).
 */
import {
  Chart,
  Decimation,
  Interaction,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartOptions,
  type InteractionItem,
  type InteractionModeFunction,
} from 'chart.js';

type ScaleOptions = NonNullable<ChartOptions<'line'>['scales']>[string];

declare module 'chart.js' {
  interface InteractionModeMap {
    /** The point nearest the pointer's x in every visible dataset. */
    stepNearest: InteractionModeFunction;
  }
}

// No Legend plugin: each chart's header is its legend, with the latest values and toggles.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Decimation);

Interaction.modes.stepNearest = (chart, event) => {
  const area = chart.chartArea;
  const x = event.x;
  if (x === null || !area || x < area.left || x > area.right) return [];
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((_, datasetIndex) => {
    if (!chart.isDatasetVisible(datasetIndex)) return;
    const elements = chart.getDatasetMeta(datasetIndex).data;
    if (elements.length === 0) return;
    // Points are sorted by step, so their pixel x is sorted too: binary search, not a scan.
    let lo = 0;
    let hi = elements.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (elements[mid]!.x < x) lo = mid + 1;
      else hi = mid;
    }
    const index = lo > 0 && x - elements[lo - 1]!.x < elements[lo]!.x - x ? lo - 1 : lo;
    items.push({ element: elements[index]!, datasetIndex, index });
  });
  return items;
};

export { Chart };

/**
 * One shared animation-frame queue for every chart's redraw: each chart redraws at most once per
 * frame, and a frame stops taking redraws once it has spent its budget, so five charts arriving
 * together on a slow machine spread over a few frames instead of making one long, janky task.
 */
const pending = new Set<() => void>();
let frame = 0;
const FRAME_BUDGET_MS = 8;

export function scheduleDraw(draw: () => void): void {
  pending.add(draw);
  if (!frame) frame = requestAnimationFrame(flushDraws);
}

export function cancelDraw(draw: () => void): void {
  pending.delete(draw);
}

function flushDraws(): void {
  frame = 0;
  const start = performance.now();
  for (const draw of pending) {
    pending.delete(draw);
    draw();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  if (pending.size > 0) frame = requestAnimationFrame(flushDraws);
}

/** Theme colours come from the CSS tokens, so the charts follow light and dark mode. */
export function themeColors(element: Element): { text: string; grid: string } {
  const style = getComputedStyle(element);
  return {
    text: style.getPropertyValue('--fg-muted').trim() || '#5d5d67',
    grid: style.getPropertyValue('--border').trim() || '#e4e4e8',
  };
}

/** #rrggbb → rgba() at the given opacity, for the faint raw line behind the smoothed one. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Four significant digits, switching to exponent notation for very small or large values. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

export interface YAxis {
  log: boolean;
  min?: number;
  max?: number;
}

export function yScale(axis: YAxis, colors: { text: string; grid: string }): ScaleOptions {
  const common = {
    grid: { color: colors.grid },
    border: { display: false },
    ticks: { color: colors.text, maxTicksLimit: 6, callback: (value: number | string) => formatValue(Number(value)) },
  };
  if (axis.log) return { ...common, type: 'logarithmic' };
  return { ...common, type: 'linear', min: axis.min, max: axis.max };
}

export function baseOptions(colors: { text: string; grid: string }, axis: YAxis): ChartOptions<'line'> {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'stepNearest', intersect: false },
    elements: {
      point: { radius: 0, hoverRadius: 3, hitRadius: 0 },
      line: { borderWidth: 1.75, tension: 0 },
    },
    scales: {
      x: {
        type: 'linear',
        bounds: 'data',
        // From 0, so the ticks land on round steps (0, 2,000, 4,000…) rather than 1, 2,001…
        min: 0,
        grid: { color: colors.grid },
        border: { display: false },
        // No extra tick at the newest step: it would crowd the round ones beside it.
        ticks: { color: colors.text, maxTicksLimit: 8, precision: 0, includeBounds: false },
        title: { display: true, text: 'step', color: colors.text },
      },
      y: yScale(axis, colors),
    },
    plugins: {
      decimation: { enabled: true, algorithm: 'lttb' },
      tooltip: { position: 'nearest', displayColors: true, boxWidth: 8, boxHeight: 8 },
    },
  };
}
