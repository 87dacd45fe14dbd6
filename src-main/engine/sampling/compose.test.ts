import { describe, expect, it } from 'vitest';
import { sampleSpecSchema } from '../../api/sampling';
import { alongPath, applyPsi, composeLatents, latentForSeed, lerp, slerp } from '.';
import { directionIdsOf } from '../../api/sampling';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
const unit = (v: Float32Array) => v.map((x) => x / norm(v));
const close = (a: Float32Array, b: Float32Array, digits = 5) => Array.from(a).forEach((x, i) => expect(x).toBeCloseTo(b[i]!, digits));

describe('interpolation', () => {
  const a = latentForSeed(1, 32);
  const b = latentForSeed(2, 32);

  it('lerp and slerp hit both endpoints', () => {
    for (const f of [lerp, slerp]) {
      close(f(a, b, 0), a);
      close(f(a, b, 1), b);
    }
  });

  it('slerp keeps unit vectors on the unit sphere; lerp cuts through it', () => {
    const [ua, ub] = [unit(a), unit(b)];
    for (const t of [0.1, 0.25, 0.5, 0.9]) expect(norm(slerp(ua, ub, t))).toBeCloseTo(1, 5);
    expect(norm(lerp(ua, ub, 0.5))).toBeLessThan(0.9);
  });

  it('slerp of parallel vectors is well defined', () => {
    const out = slerp(a, a.map((x) => x * 2), 0.5);
    close(out, a.map((x) => x * 1.5));
  });

  it('walks evenly spaced keyframes', () => {
    const c = latentForSeed(3, 32);
    close(alongPath([a, b, c], 0.5, 'slerp'), b);
    close(alongPath([a, b, c], 1, 'linear'), c);
    close(alongPath([a, b, c], 0.25, 'linear'), lerp(a, b, 0.5));
  });
});

describe('truncation', () => {
  it('draws a truncated normal: every value within t, narrower than N(0, 1)', () => {
    const t = 0.7;
    const z = latentForSeed(9, 50_000, 'normal', t);
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(t);
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const variance = z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    // Var of N(0,1) truncated to ±a: 1 − 2a·φ(a)/(2Φ(a) − 1); for a = 0.7 that is 0.1490.
    expect(variance).toBeCloseTo(0.149, 2);
  });

  it('keeps the components already inside the bound', () => {
    const full = latentForSeed(4, 64);
    const cut = latentForSeed(4, 64, 'normal', 1.5);
    full.forEach((x, i) => {
      if (Math.abs(x) <= 1.5) expect(cut[i]).toBe(x);
    });
  });

  it('ψ = 1 is the identity and ψ = 0 gives the mean latent', () => {
    const z = latentForSeed(5, 16);
    expect(applyPsi(z, 1)).toBe(z);
    expect(Array.from(applyPsi(z, 0), Math.abs)).toEqual(new Array(16).fill(0));
  });
});

describe('composeLatents', () => {
  const space = { zDim: 8, distribution: 'normal' as const, numClasses: 0 };
  const spec = (extra: object = {}) =>
    sampleSpecSchema.parse({ version: 1, checkpoint: { runId: 'r', file: 'ckpt-000000001.gsc' }, images: [{ seeds: [1] }, { seeds: [1, 2], t: 0.5 }], ...extra });

  it('builds rows from recipes', () => {
    const { z, classes } = composeLatents(spec(), space);
    close(z.subarray(0, 8), latentForSeed(1, 8));
    close(z.subarray(8), slerp(latentForSeed(1, 8), latentForSeed(2, 8), 0.5));
    expect(classes).toBeUndefined();
  });

  it('adds direction amounts after ψ, and refuses unknown directions', () => {
    const d = new Float32Array(8).fill(0);
    d[3] = 1;
    const { z } = composeLatents(spec({ truncation: { psi: 0 }, directions: [{ id: 'thick', amount: 2.5 }] }), space, new Map([['thick', d]]));
    expect(Array.from(z.subarray(0, 8))).toEqual([0, 0, 0, 2.5, 0, 0, 0, 0]);
    expect(() => composeLatents(spec({ directions: [{ id: 'nope', amount: 1 }] }), space)).toThrow(/not saved/);
  });

  it('lets an image carry its own direction amounts (a sweep across frames), the others keep the spec’s', () => {
    const d = new Float32Array(8).fill(0);
    d[3] = 1;
    const swept = spec({
      truncation: { psi: 0 },
      directions: [{ id: 'thick', amount: 1 }],
      images: [{ seeds: [1], directions: [{ id: 'thick', amount: -2 }] }, { seeds: [1] }, { seeds: [1], directions: [] }],
    });
    const { z } = composeLatents(swept, space, new Map([['thick', d]]));
    expect([z[3], z[8 + 3], z[16 + 3]]).toEqual([-2, 1, 0]);
    expect(directionIdsOf(swept)).toEqual(['thick']);
    expect(directionIdsOf(spec({ images: [{ seeds: [1], directions: [{ id: 'slant', amount: 2 }] }] }))).toEqual(['slant']);
  });

  it('checks classes against the model', () => {
    const conditional = { ...space, numClasses: 3 };
    expect(composeLatents(spec(), conditional).classes).toEqual([0, 1]);
    expect(() => composeLatents(spec({ images: [{ seeds: [1], class: 3 }] }), conditional)).toThrow(/outside/);
    expect(() => composeLatents(spec({ images: [{ seeds: [1], class: 0 }] }), space)).toThrow(/unconditional/);
  });
});

describe('a latent given by value', () => {
  const space = { zDim: 4, distribution: 'normal' as const, numClasses: 0 };
  const latent = [0.5, -1, 2, 0.25];
  const spec = (image: object, extra: object = {}) => sampleSpecSchema.parse({ version: 1, checkpoint: { runId: 'r' }, images: [image], ...extra });

  it('replaces the first seed’s z; later seeds interpolate away from it; ψ scales it', () => {
    expect(Array.from(composeLatents(spec({ seeds: [7], latent }), space).z)).toEqual(latent);
    const half = composeLatents(spec({ seeds: [7, 8], t: 0.5, path: 'linear', latent }), space).z;
    close(half, lerp(Float32Array.from(latent), latentForSeed(8, 4), 0.5));
    close(composeLatents(spec({ seeds: [7], latent }, { truncation: { psi: 0.5 } }), space).z, Float32Array.from(latent.map((v) => v / 2)));
  });

  it('is refused when its size is not the generator’s z', () => {
    expect(() => composeLatents(spec({ seeds: [7], latent: [1, 2] }), space)).toThrow(/latent has 2 values, the generator's z has 4/);
  });
});
