import { describe, expect, it } from 'vitest';
import { Coach, sampleDiversity, type CoachPoint, type CoachWarning } from './coach';
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
    for (let step = 0; step <= 1000; step += 50) expect(coach.observeDiversity(step, step < 200 ? 30 : 8 + Math.sin(step))).toEqual([]);
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
    const kinds = (step: number, d: number) => coach.observeDiversity(step, d).map((w) => w.kind);
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
    const kinds = (step: number, d: number) => coach.observeDiversity(step, d).map((w) => w.kind);
    expect(kinds(50, 1)).toEqual([]); // too early to judge
    expect(kinds(100, 10)).toEqual([]);
    expect(kinds(200, 9)).toEqual([]);
    expect(kinds(300, 2)).toEqual(['mode-collapse']);
    expect(kinds(400, 1.5)).toEqual([]);
    expect(kinds(500, 9)).toEqual([]);
    expect(kinds(600, 1)).toEqual(['mode-collapse']);
  });
});

describe('sampleDiversity', () => {
  it('is zero for identical images and the distance for two', () => {
    expect(sampleDiversity(new Float32Array([1, 2, 1, 2, 1, 2]), 3)).toBe(0);
    expect(sampleDiversity(new Float32Array([0, 0, 3, 4]), 2)).toBe(5);
  });
});
