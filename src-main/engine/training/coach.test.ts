import { describe, expect, it } from 'vitest';
import { Coach, pairedDistance, sampleDiversity, type CoachPoint, type CoachWarning } from './coach';
import { Rng } from '../rng';

/** A synthetic metric stream: `shape(step, noise)` gives each step's values. */
function stream(steps: number, shape: (step: number, noise: () => number) => Omit<CoachPoint, 'step'>, seed = 1): CoachPoint[] {
  const rng = new Rng(seed);
  const noise = () => rng.next() - 0.5;
  return Array.from({ length: steps }, (_, i) => ({ step: i + 1, ...shape(i + 1, noise) }));
}

function run(points: CoachPoint[], loss: 'bce' | 'wgan-gp' = 'bce'): CoachWarning[] {
  const coach = new Coach(loss, 10);
  return points.flatMap((p) => coach.observe(p));
}

const healthy = (step: number, noise: () => number) => ({
  dLoss: 1.3 + 0.1 * noise(),
  gLoss: 0.8 + 0.1 * noise(),
  dReal: 0.55 + 0.05 * noise(),
  dFake: 0.45 + 0.05 * noise(),
  gGradNorm: 0.5 + 0.1 * noise() + 0 * step,
});

describe('Coach', () => {
  it('stays quiet on a healthy run', () => {
    expect(run(stream(1000, healthy))).toEqual([]);
    const coach = new Coach('bce', 10);
    // Noise first (more varied than the data), then something as varied as the data.
    for (let step = 0; step <= 1000; step += 50) expect(coach.observeDiversity(step, step < 200 ? 30 : 8 + Math.sin(step), 10)).toEqual([]);
  });

  it('says when the discriminator wins, from the step it started, once', () => {
    const warnings = run(stream(600, (step, noise) => (step < 300 ? healthy(step, noise) : { ...healthy(step, noise), dReal: 0.99, dFake: 0.01 + 0.005 * noise(), gLoss: 5 })));
    expect(warnings.map((w) => w.kind)).toEqual(['discriminator-winning']);
    expect(warnings[0]!.since).toBeGreaterThanOrEqual(300);
    expect(warnings[0]!.since).toBeLessThan(360);
    expect(warnings[0]!.message).toMatch(/discriminator is winning/);
    expect(warnings[0]!.suggestion).toMatch(/WGAN-GP/);
  });

  it('says when the generator wins', () => {
    const warnings = run(stream(400, (step, noise) => (step < 200 ? healthy(step, noise) : { ...healthy(step, noise), dReal: 0.5, dFake: 0.9 })));
    expect(warnings.map((w) => w.kind)).toEqual(['generator-winning']);
  });

  it('notices vanishing generator gradients', () => {
    const warnings = run(stream(500, (step, noise) => ({ ...healthy(step, noise), gGradNorm: step < 250 ? 0.5 : 1e-4 })));
    expect(warnings.map((w) => w.kind)).toContain('vanishing-gradients');
  });

  it('notices oscillation', () => {
    const warnings = run(stream(500, (step, noise) => ({ ...healthy(step, noise), gLoss: step < 250 ? 0.8 + 0.1 * noise() : (step % 2 ? 4 : -3) + noise() })));
    expect(warnings.map((w) => w.kind)).toContain('oscillation');
  });

  it('reports a condition flickering at its threshold once, and again only after a window clear of it', () => {
    const coach = new Coach('bce', 10);
    const kinds = (step: number, d: number) => coach.observeDiversity(step, d, 10).map((w) => w.kind);
    expect(kinds(300, 2.4)).toEqual(['mode-collapse']);
    // Hovering around a quarter of the real variety: the same episode.
    expect(kinds(310, 2.6)).toEqual([]);
    expect(kinds(320, 2.4)).toEqual([]);
    expect(kinds(330, 2.6)).toEqual([]);
    expect(kinds(340, 2.3)).toEqual([]);
    // Clear for longer than a window, then collapsing again: a new episode.
    expect(kinds(350, 8)).toEqual([]);
    expect(kinds(420, 2)).toEqual(['mode-collapse']);
  });

  it('does not judge a Wasserstein critic by probabilities it does not output', () => {
    expect(run(stream(400, (step, noise) => ({ ...healthy(step, noise), dReal: 0.99, dFake: 0.01 })), 'wgan-gp')).toEqual([]);
  });

  it('notices the samples collapsing, and fires again only after recovering', () => {
    const coach = new Coach('bce', 10);
    const kinds = (step: number, d: number) => coach.observeDiversity(step, d, 10).map((w) => w.kind);
    expect(kinds(50, 1)).toEqual([]); // too early to judge
    expect(kinds(100, 10)).toEqual([]);
    expect(kinds(200, 9)).toEqual([]);
    expect(kinds(300, 2)).toEqual(['mode-collapse']);
    expect(kinds(400, 1.5)).toEqual([]);
    expect(kinds(500, 9)).toEqual([]);
    expect(kinds(600, 1)).toEqual(['mode-collapse']);
  });
});

describe('the coach and samples that have not left their start', () => {
  /** n images of `size` values: `value(i, k)` for image i, value k. */
  const images = (n: number, size: number, value: (i: number, k: number) => number) =>
    Float32Array.from({ length: n * size }, (_, j) => value(Math.floor(j / size), j % size));
  const rng = new Rng(7);
  const grey = images(16, 64, () => 0.01 * (rng.next() - 0.5)); // a fresh DCGAN: near-uniform, alike
  const realVariety = sampleDiversity(images(16, 64, (i, k) => ((i * 7 + k * 3) % 11) / 5 - 1), 16);

  it('calls no collapse while the samples are still the initial ones, however alike', () => {
    const coach = new Coach('bce', realVariety);
    for (const step of [1, 50, 100, 150, 200, 300]) {
      // Barely moved from the first samples (EMA 0.999, or a learning rate too small to start).
      const now = grey.map((v, j) => v + 0.001 * Math.sin(step + j));
      expect(coach.observeSamples(step, now, 16)).toEqual([]);
    }
  });

  it('still calls collapse once the samples have moved away and then crowd together', () => {
    const coach = new Coach('bce', realVariety);
    expect(coach.observeSamples(1, grey, 16)).toEqual([]);
    // All latents now give (nearly) the same digit-like image, far from the grey start.
    const oneImage = images(16, 64, (i, k) => ((k * 3) % 11) / 5 - 1 + 0.01 * i);
    expect(pairedDistance(oneImage, grey, 16)).toBeGreaterThan(0.25 * realVariety);
    expect(coach.observeSamples(100, oneImage, 16).map((w) => w.kind)).toEqual(['mode-collapse']);
  });

  it('judges variety only past the warm-up and once the samples have left their start', () => {
    const coach = new Coach('bce', 10);
    expect(coach.observeDiversity(100, 1, 0.5)).toEqual([]); // alike, but not yet moved
    expect(coach.observeDiversity(150, 1, 2.6).map((w) => w.kind)).toEqual(['mode-collapse']);
  });
});

describe('sampleDiversity', () => {
  it('is zero for identical images and the distance for two', () => {
    expect(sampleDiversity(new Float32Array([1, 2, 1, 2, 1, 2]), 3)).toBe(0);
    expect(sampleDiversity(new Float32Array([0, 0, 3, 4]), 2)).toBe(5);
    expect(pairedDistance(new Float32Array([0, 0, 3, 4]), new Float32Array([3, 4, 3, 4]), 2)).toBe(2.5);
  });
});
