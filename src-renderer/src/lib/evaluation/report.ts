/** How evaluation results read: metric names and directions, number formatting, and the CSV export. */
import type { EvaluationRecord, MetricName, MetricRequest, MetricValue } from '../../../../src-main/api/evaluation';
import { csvText } from '../../../../src-main/shared/csv';

/** `scale`: shown multiplied by it (the label says so), as papers print KID ×10³; files keep the raw value. */
export const metricInfo: Record<MetricName, { label: string; note: string; scale?: number }> = {
  kid: {
    label: 'KID ×10³',
    note: 'Kernel Inception Distance, shown ×1000 as papers print it: unbiased at any sample count, the default for small datasets. Lower is better.',
    scale: 1000,
  },
  fid: { label: 'FID', note: 'Fréchet distance between feature Gaussians; biased upwards at small sample counts. Lower is better.' },
  is: { label: 'IS', note: 'Inception Score with the domain classifier’s classes: confident and varied predictions. Higher is better.' },
  precision: { label: 'Precision', note: 'Share of samples inside the real images’ k-NN manifold (fidelity). Higher is better.' },
  recall: { label: 'Recall', note: 'Share of real images inside the samples’ manifold (variety). Higher is better.' },
  density: { label: 'Density', note: 'How many real neighbourhoods each sample falls in, ≈ 1 when distributed like the data.' },
  coverage: { label: 'Coverage', note: 'Share of real neighbourhoods holding at least one sample. Higher is better.' },
  'class-accuracy': { label: 'Class accuracy', note: 'Conditional models: share of samples the classifier assigns to the class asked for.' },
  'copy-rate': {
    label: 'Copy rate',
    note: 'Share of samples closer to a training image than 95 % of training images are to their nearest other one (real images read 5 %). Lower is better; far above 5 %: the model copies its data.',
  },
};

export const metricChoices: { value: MetricRequest; label: string; hint: string }[] = [
  { value: 'kid', label: 'KID', hint: 'cheap, unbiased' },
  { value: 'fid', label: 'FID', hint: 'with bootstrap interval' },
  { value: 'pr', label: 'Precision & recall', hint: 'fidelity vs variety' },
  { value: 'dc', label: 'Density & coverage', hint: 'robust to outliers' },
  { value: 'is', label: 'Inception Score', hint: 'needs class labels' },
  { value: 'class-accuracy', label: 'Class accuracy', hint: 'conditional models' },
  { value: 'copies', label: 'Copy rate', hint: 'memorisation' },
];

/** Four significant digits; exponent form for very small or large magnitudes. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

/** A metric's number as displayed: multiplied by its display scale (KID ×10³). */
export function displayed(metric: MetricName, value: number): number;
export function displayed(metric: MetricName, value: number | null): number | null;
export function displayed(metric: MetricName, value: number | null): number | null {
  return value === null ? null : value * (metricInfo[metric].scale ?? 1);
}

/**
 * "0.123 ± 0.004", "12.3 [11.9, 12.8]" or, over several draws, "42.8 (22.6–61.9, 5 draws)" — the
 * spread the metric comes with, at the display scale.
 */
export function formatWithSpread(v: Pick<MetricValue, 'metric' | 'value' | 'std' | 'ci' | 'draws'>): string {
  const f = (x: number) => formatNumber(displayed(v.metric, x));
  if (v.draws) return `${f(v.value)} (${f(v.draws.low)}–${f(v.draws.high)}, ${v.draws.n} draws)`;
  if (v.ci) return `${f(v.value)} [${f(v.ci.low)}, ${f(v.ci.high)}]`;
  if (v.std !== null) return `${f(v.value)} ± ${f(v.std)}`;
  return f(v.value);
}

export function formatBaseline(v: Pick<MetricValue, 'metric' | 'baseline' | 'baselineStd'>): string {
  if (v.baseline === null) return '—';
  const f = (x: number) => formatNumber(displayed(v.metric, x));
  return v.baselineStd !== null ? `${f(v.baseline)} ± ${f(v.baselineStd)}` : f(v.baseline);
}

export function checkpointLabel(record: Pick<EvaluationRecord, 'runId' | 'checkpoint'>): string {
  return `${shortRunId(record.runId)} · step ${record.checkpoint.step.toLocaleString('en-US')}`;
}

/**
 * One order for the chart and the table: by run, then by step ascending (training order), then the
 * newer evaluation first. Evaluating step 200 before step 50 no longer reverses them.
 */
export function inCheckpointOrder<T extends Pick<EvaluationRecord, 'runId' | 'checkpoint' | 'createdAt'>>(records: readonly T[]): T[] {
  return [...records].sort(
    (a, b) => a.runId.localeCompare(b.runId) || a.checkpoint.step - b.checkpoint.step || b.createdAt.localeCompare(a.createdAt),
  );
}

/** Run ids start with a timestamp; the tail (model, loss, random suffix) tells runs apart. */
export function shortRunId(runId: string): string {
  const parts = runId.split('-');
  return parts.length > 3 ? parts.slice(2).join('-') : runId;
}

const CSV_COLUMNS = [
  'run', 'checkpoint', 'step', 'evaluated_at', 'extractor', 'dataset', 'samples', 'reference_samples', 'baseline_samples', 'seed',
  'metric', 'value', 'std', 'ci_low', 'ci_high', 'ci_level', 'baseline', 'baseline_std', 'better', 'caveat',
  'draws', 'draws_low', 'draws_high',
] as const;

/** One row per metric value, unscaled (long format: every spreadsheet and pandas reads it without reshaping). */
export function toCsv(records: readonly EvaluationRecord[]): string {
  const rows = records.flatMap((r) =>
    r.values.map((v) => [
      r.runId, r.checkpoint.file, r.checkpoint.step, r.createdAt, r.extractor.label, r.dataset.label, r.samples, r.referenceSamples, r.baselineSamples, r.seed,
      v.metric, v.value, v.std, v.ci?.low, v.ci?.high, v.ci?.level, v.baseline, v.baselineStd, v.better, v.caveat,
      r.repeats, v.draws?.low, v.draws?.high,
    ]),
  );
  return csvText([CSV_COLUMNS, ...rows]);
}
