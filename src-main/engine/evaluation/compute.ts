/**
 * Turns features into the reported numbers: each requested metric between the generated set and
 * the real reference, the same metric between held-out real images and that reference (the
 * baseline), and bootstrap intervals. Shared by the Evaluate view, the CLI, the benchmark and the
 * in-training evaluation.
 */
import type { MetricRequest, MetricValue } from '../../api/evaluation';
import { bootstrapInterval, meanInterval, type Interval } from './bootstrap';
import { selectRows, yieldToEventLoop, type Features } from './features';
import { featureStats, frechetDistance } from './fid';
import { inceptionScore } from './inception-score';
import { kernelInceptionDistance } from './kid';
import { collapsedPrecision, mean, precisionRecallDensityCoverage, type PrdcResult } from './prdc';
import { referenceStats, type ReferenceSplit } from './reference';
import { copyCheck } from './memorisation';

export interface ComputeInput {
  metrics: readonly MetricRequest[];
  fake: Features;
  /** [n × classes] logits of the generated images, when the extractor gives them. */
  fakeLogits: Float32Array | null;
  classes: number;
  split: ReferenceSplit;
  /** Memo key for the reference's FID statistics (dataset × extractor × split). */
  referenceKey: string;
  /** Conditional models: the class each generated image was asked for. */
  requestedClasses?: Int32Array | null;
  /** Labels of the held-out real images (class-accuracy baseline). */
  heldOutLabels?: Int32Array | null;
  /** Bootstrap resamples (0: no intervals). */
  bootstrap: number;
  /** false skips the real-vs-real baselines (a caller that already has them: in-training evaluation). */
  baselines?: boolean;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** KID subsets; FID bootstrap resamples are capped, each costs an eigendecomposition. */
const KID_SUBSETS = 50;
const MAX_FID_BOOTSTRAP = 50;

export interface Computed {
  values: MetricValue[];
  /** Metrics asked for that do not apply here, and why (left out rather than failing the rest). */
  notes: string[];
}

export async function computeMetrics(input: ComputeInput): Promise<Computed> {
  const { metrics, fake, split, signal } = input;
  const out: MetricValue[] = [];
  const notes: string[] = [];
  const opts = { ...(signal ? { signal } : {}) };
  const wants = (m: MetricRequest) => metrics.includes(m);
  const baselines = input.baselines ?? true;

  if (wants('kid')) {
    input.onProgress?.('KID');
    const seed = input.seed ^ 0x1d;
    const kid = await kernelInceptionDistance(fake, split.reference, { subsets: KID_SUBSETS, seed, ...opts });
    const base = baselines ? await kernelInceptionDistance(split.heldOut, split.reference, { subsets: KID_SUBSETS, seed, ...opts }) : null;
    out.push({ metric: 'kid', value: kid.mean, std: kid.std, ci: null, baseline: base?.mean ?? null, baselineStd: base?.std ?? null, better: 'lower' });
  }

  if (wants('fid')) {
    input.onProgress?.('FID');
    const { stats: ref, sqrtCov } = await referenceStats(input.referenceKey, split.reference);
    const fid = frechetDistance(ref, await featureStats(fake), { sqrtCovA: sqrtCov });
    const baseline = baselines ? frechetDistance(ref, await featureStats(split.heldOut), { sqrtCovA: sqrtCov }) : null;
    // Resamples the generated features against the fixed reference: the variability of FID's estimate from this many samples.
    const ci = input.bootstrap > 0
      ? await bootstrapInterval(
          fake.n,
          async (indices) => frechetDistance(ref, await featureStats(selectRows(fake, indices)), { sqrtCovA: sqrtCov }),
          { iterations: Math.min(MAX_FID_BOOTSTRAP, input.bootstrap), seed: input.seed ^ 0xf1d, ...opts },
        )
      : null;
    out.push({ metric: 'fid', value: fid, std: null, ci: interval(ci), baseline, baselineStd: null, better: 'lower' });
  }

  if (wants('is') && (!input.fakeLogits || input.classes < 2)) {
    notes.push('Inception Score left out: it needs class logits, and this feature extractor has none (unlabelled data or a feature-vector model).');
  } else if (wants('is') && input.fakeLogits) {
    const score = inceptionScore(input.fakeLogits, input.classes);
    const base = baselines && split.heldOutLogits ? inceptionScore(split.heldOutLogits, input.classes) : null;
    out.push({ metric: 'is', value: score.mean, std: score.std, ci: null, baseline: base?.mean ?? null, baselineStd: base?.std ?? null, better: 'higher' });
  }

  if (wants('pr') || wants('dc')) {
    input.onProgress?.(wants('pr') ? 'precision and recall' : 'density and coverage');
    // Kynkäänniemi et al. compare sets of equal size: the reference is cut to the generated set's.
    const refIdx = Int32Array.from({ length: Math.min(split.reference.n, fake.n) }, (_, i) => i);
    const reference = refIdx.length === split.reference.n ? split.reference : selectRows(split.reference, refIdx);
    const model = await precisionRecallDensityCoverage(reference, fake, opts);
    const base = baselines ? await precisionRecallDensityCoverage(reference, split.heldOut, opts) : null;
    const names = [...(wants('pr') ? (['precision', 'recall'] as const) : []), ...(wants('dc') ? (['density', 'coverage'] as const) : [])];
    for (const name of names) {
      const ci = input.bootstrap > 0 ? await meanInterval(hitsOf(model, name), { iterations: input.bootstrap, seed: input.seed ^ 0xc1, ...opts }) : null;
      const caveat = name === 'precision' ? collapsedPrecision(model) : null;
      out.push({ metric: name, value: model[name], std: null, ci: interval(ci), baseline: base?.[name] ?? null, baselineStd: null, better: 'higher', ...(caveat ? { caveat } : {}) });
    }
  }

  if (wants('copies')) {
    input.onProgress?.('copy rate');
    // Against the reference images; the baseline is what real images read at the same threshold.
    const check = await copyCheck(fake, split.reference, signal);
    const hits = Uint8Array.from(check.nearest, (m) => (m.distance < check.threshold ? 1 : 0));
    const ci = input.bootstrap > 0 ? await meanInterval(hits, { iterations: input.bootstrap, seed: input.seed ^ 0xc0, ...opts }) : null;
    out.push({ metric: 'copy-rate', value: check.rate, std: null, ci: interval(ci), baseline: baselines ? check.realRate : null, baselineStd: null, better: 'lower' });
  }

  const requested = input.requestedClasses;
  if (wants('class-accuracy') && (!requested || !input.fakeLogits || input.classes < 2)) {
    notes.push('Class accuracy left out: it needs a conditional model and a classifier trained on the same classes (a model conditioned on clusters has no such classes).');
  } else if (wants('class-accuracy') && requested && input.fakeLogits) {
    const hits = correct(input.fakeLogits, requested, input.classes);
    const base = baselines && split.heldOutLogits && input.heldOutLabels ? correct(split.heldOutLogits, input.heldOutLabels, input.classes) : null;
    const ci = input.bootstrap > 0 ? await meanInterval(hits, { iterations: input.bootstrap, seed: input.seed ^ 0xacc, ...opts }) : null;
    out.push({ metric: 'class-accuracy', value: mean(hits), std: null, ci: interval(ci), baseline: base ? mean(base) : null, baselineStd: null, better: 'higher' });
  }
  await yieldToEventLoop();
  if (out.length === 0) throw new Error(notes.join(' '));
  return { values: out, notes };
}

function hitsOf(result: PrdcResult, name: 'precision' | 'recall' | 'density' | 'coverage'): ArrayLike<number> {
  return result.hits[name];
}

function correct(logits: Float32Array, labels: Int32Array, classes: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    out[i] = best === labels[i] ? 1 : 0;
  }
  return out;
}

function interval(ci: Interval | null): MetricValue['ci'] {
  return ci && Number.isFinite(ci.low) && Number.isFinite(ci.high) ? { low: ci.low, high: ci.high, level: ci.level } : null;
}

/**
 * Several draws of the same metrics (other latents, other halves of the real images) as one list:
 * each metric's median, with the draws' range; the baseline is the median of the draws' baselines.
 * A draw's own spread (KID subsets, bootstrap) is left out: the range across draws includes it.
 */
export function combineDraws(draws: readonly MetricValue[][]): MetricValue[] {
  return draws[0]!.flatMap((first) => {
    // A draw whose metric could not be computed (non-finite) is left out of that metric's median.
    const all = draws.flatMap((values) => values.filter((v) => v.metric === first.metric && Number.isFinite(v.value)));
    if (all.length < 2) return all.slice(0, 1);
    const sorted = [...all].sort((a, b) => a.value - b.value);
    const baselines = all.flatMap((v) => (v.baseline === null ? [] : [v.baseline]));
    // A caveat counts things in its own draw: the median draw's (the lower middle one of an even count).
    const caveat = sorted[(sorted.length - 1) >> 1]!.caveat;
    return [
      {
        metric: first.metric,
        value: median(all.map((v) => v.value)),
        std: null,
        ci: null,
        baseline: baselines.length === all.length ? median(baselines) : null,
        baselineStd: null,
        better: first.better,
        ...(caveat ? { caveat } : {}),
        draws: { n: all.length, low: sorted[0]!.value, high: sorted.at(-1)!.value },
      },
    ];
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
