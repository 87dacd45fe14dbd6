/**
 * The training coach: watches the metric stream and the fixed-noise samples and says, in words,
 * when a run is going wrong (mode collapse, a discriminator that wins outright, vanishing or
 * exploding gradients, oscillation) with the step it started
 * and what to try. Pure and incremental, so it runs on every step and is tested on synthetic streams.
 */
import type { LossConfig } from '../../api/train-config';

export type CoachKind = 'discriminator-winning' | 'generator-winning' | 'vanishing-gradients' | 'mode-collapse' | 'oscillation';

export interface CoachWarning {
  kind: CoachKind;
  /** First step of the window in which the condition held. */
  since: number;
  step: number;
  message: string;
  suggestion: string;
}

export interface CoachPoint {
  step: number;
  dLoss: number | null;
  gLoss: number | null;
  dReal: number | null;
  dFake: number | null;
  gGradNorm: number | null;
}

const WINDOW = 50;
/** Conditions are only judged once training has settled past its first, noisy steps. */
const WARMUP = 100;
/** Samples this far below the real images' variety (as a share of it) have collapsed. */
const COLLAPSED = 0.25;
/**
 * How far (as a share of the real images' variety) the samples must have moved from the first
 * ones the coach saw for the same latents before their variety is judged: a fresh generator's
 * samples all look alike (a DCGAN's are near-uniform grey), which is not having started, not collapse.
 */
const LEFT_INITIAL = 0.25;

export class Coach {
  private readonly points: CoachPoint[] = [];
  private readonly active = new Set<CoachKind>();
  /** When each kind last stopped holding: a condition flickering at its threshold is one episode. */
  private readonly clearedAt = new Map<CoachKind, number>();
  private earlyGradNorm: number | null = null;
  /** The first fixed-noise samples seen, and whether later ones have since moved away from them. */
  private initialSamples: Float32Array | null = null;
  private leftInitial = false;
  constructor(
    private readonly loss: LossConfig['kind'],
    /** Mean pairwise distance within a batch of real images: the variety the samples should reach. */
    private readonly realDiversity: number,
  ) {}

  /** Feeds one step; returns warnings that started at this step (each fires once per episode). */
  observe(point: CoachPoint): CoachWarning[] {
    this.points.push(point);
    if (this.points.length > 4 * WINDOW) this.points.shift();
    if (point.step === WINDOW + 10) this.earlyGradNorm = mean(this.recent(WINDOW).map((p) => p.gGradNorm));
    if (point.step < WARMUP) return [];
    const window = this.recent(WINDOW);
    const since = window[0]!.step;
    const dReal = mean(window.map((p) => p.dReal));
    const dFake = mean(window.map((p) => p.dFake));
    const gNorm = mean(window.map((p) => p.gGradNorm));
    const gLoss = window.map((p) => p.gLoss).filter(isNumber);
    const probabilistic = this.loss === 'bce' || this.loss === 'lsgan';
    const out: CoachWarning[] = [];
    const dWins = this.streakStart((p) => (p.dReal ?? 0) > 0.9 && (p.dFake ?? 1) < 0.1);
    this.update(out, 'discriminator-winning', probabilistic && dReal > 0.95 && dFake < 0.05, point.step, dWins, () => ({
      message: `The discriminator is winning: since step ${dWins} it scores real images ${dReal.toFixed(2)} and fakes ${dFake.toFixed(3)}, so the generator gets almost no useful gradient. Both networks should improve together.`,
      suggestion: 'Lower the discriminator learning rate, raise label smoothing (0.1–0.2), or switch to WGAN-GP, whose critic keeps giving gradients.',
    }));
    const gWins = this.streakStart((p) => (p.dFake ?? 0) > 0.7);
    this.update(out, 'generator-winning', probabilistic && dFake > 0.8 && dReal < 0.6, point.step, gWins, () => ({
      message: `The generator fools the discriminator completely (D(G(z)) ≈ ${dFake.toFixed(2)} since step ${gWins}): the discriminator no longer tells it what to fix.`,
      suggestion: 'Raise the discriminator learning rate or n_critic, or lower the generator learning rate.',
    }));
    const vanishing = this.earlyGradNorm !== null && this.earlyGradNorm > 0 && gNorm < this.earlyGradNorm * 0.01;
    const fading = this.streakStart((p) => (p.gGradNorm ?? 0) < (this.earlyGradNorm ?? 0) * 0.05);
    this.update(out, 'vanishing-gradients', vanishing, point.step, fading, () => ({
      message: `The generator's gradients have shrunk to ${(gNorm / this.earlyGradNorm!).toExponential(1)} of their early size since step ${fading}: it has stopped learning.`,
      suggestion: 'Use the non-saturating or a Wasserstein loss, and check that the discriminator is not overpowering it.',
    }));
    const swing = gLoss.length > 10 ? std(gLoss) / Math.max(1e-6, Math.abs(mean(gLoss))) : 0;
    this.update(out, 'oscillation', swing > 1.5 && signChanges(gLoss) > gLoss.length * 0.4, point.step, since, () => ({
      message: `The generator loss has been swinging widely since step ${since} (spread ${swing.toFixed(1)}× its mean): the two networks are chasing each other rather than converging.`,
      suggestion: 'Lower both learning rates (halve them), or increase the batch size.',
    }));
    return out;
  }

  /**
   * Feeds the fixed-noise samples (`n` images, the same latents every time) of the generator being
   * trained — not its moving average, which lags behind and still looks like its start. Judges
   * their variety only once they have left the initial samples (see observeDiversity).
   */
  observeSamples(step: number, values: Float32Array, n: number): CoachWarning[] {
    if (!this.initialSamples || this.initialSamples.length !== values.length) this.initialSamples = values.slice();
    return this.observeDiversity(step, sampleDiversity(values, n), pairedDistance(values, this.initialSamples, n));
  }

  /**
   * Feeds the diversity of the fixed-noise samples (mean pairwise distance) and `moved`, their
   * mean distance from the first samples of the same latents. Far below the real images' own
   * variety means many latents map to the same few images: mode collapse — but only once the
   * samples have moved from the initial ones, which look alike before the generator has learnt anything.
   */
  observeDiversity(step: number, diversity: number, moved: number): CoachWarning[] {
    const out: CoachWarning[] = [];
    const ratio = this.realDiversity > 0 ? diversity / this.realDiversity : 1;
    if (this.realDiversity > 0 && moved >= LEFT_INITIAL * this.realDiversity) this.leftInitial = true;
    this.update(out, 'mode-collapse', step >= WARMUP && this.leftInitial && ratio < COLLAPSED, step, step, () => ({
      message: `The samples are losing variety: the fixed-noise images differ from each other only ${Math.round(ratio * 100)}% as much as real images do. The generator is collapsing onto a few modes.`,
      suggestion: 'Roll back to an earlier checkpoint, lower the generator learning rate, or use WGAN-GP; minibatch diversity and a smaller n_critic gap also help.',
    }));
    return out;
  }

  /** Step where the trailing run of points satisfying `holds` began (the episode's start). */
  private streakStart(holds: (p: CoachPoint) => boolean): number {
    let start = this.points.at(-1)!.step;
    for (let i = this.points.length - 1; i >= 0 && holds(this.points[i]!); i--) start = this.points[i]!.step;
    return start;
  }

  private recent(n: number): CoachPoint[] {
    return this.points.slice(-n);
  }

  private update(out: CoachWarning[], kind: CoachKind, holds: boolean, step: number, since: number, text: () => { message: string; suggestion: string }): void {
    if (holds && !this.active.has(kind)) {
      this.active.add(kind);
      // Back within a window of clearing: the same episode, already reported.
      const cleared = this.clearedAt.get(kind);
      if (cleared === undefined || step - cleared >= WINDOW) out.push({ kind, since, step, ...text() });
    } else if (!holds && this.active.has(kind)) {
      this.active.delete(kind);
      this.clearedAt.set(kind, step);
    }
  }
}

/** Mean Euclidean distance between image i of `a` and image i of `b` (n images each). */
export function pairedDistance(a: Float32Array, b: Float32Array, n: number): number {
  const size = a.length / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let k = i * size; k < (i + 1) * size; k++) d += (a[k]! - b[k]!) ** 2;
    total += Math.sqrt(d);
  }
  return n ? total / n : 0;
}

/** Mean pairwise Euclidean distance between n images of `size` values each (a few ms for 64 images). */
export function sampleDiversity(values: Float32Array, n: number): number {
  const size = values.length / n;
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let d = 0;
      for (let k = 0; k < size; k++) {
        const diff = values[i * size + k]! - values[j * size + k]!;
        d += diff * diff;
      }
      total += Math.sqrt(d);
      pairs++;
    }
  }
  return pairs ? total / pairs : 0;
}

function isNumber(v: number | null): v is number {
  return v !== null && Number.isFinite(v);
}
function mean(values: (number | null)[]): number {
  const xs = values.filter(isNumber);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}
function std(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}
function signChanges(xs: number[]): number {
  let changes = 0;
  for (let i = 2; i < xs.length; i++) if (Math.sign(xs[i]! - xs[i - 1]!) !== Math.sign(xs[i - 1]! - xs[i - 2]!)) changes++;
  return changes;
}
