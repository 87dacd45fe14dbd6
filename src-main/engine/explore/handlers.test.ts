import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { exploreEngineRequests } from '../protocol/explore';
import { sampleSpecSchema, type SampleSpecInput } from '../../api/sampling';
import type { EngineContext } from '../capability';
import { ensureGradientsRegistered } from '../ops/gradients';
import { GeneratorCache, latentForSeed, latentsForSeeds } from '../sampling';
import { trainTinyRun, type TinyRun } from '../sampling/testing';
import { tinyConfig } from '../training/testing-config';
import { classifierDirection, type ImageClassifier } from './classifier-direction';
import { dot } from './directions';
import { exploreHandlers } from './handlers';

let dcgan: TinyRun;
let conditional: TinyRun;
let mlp: TinyRun;
const generators = new GeneratorCache(4);
const handlers = exploreHandlers({ generators } as unknown as EngineContext);

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  dcgan = await trainTinyRun();
  conditional = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'cdcgan', numClasses: 10 } }));
  mlp = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'mlp', gWidth: 8, dWidth: 8, dNorm: 'none' } }));
}, 120_000);
afterAll(() => generators.clear());

const spec = (run: TinyRun, extra: Partial<SampleSpecInput> = {}) => sampleSpecSchema.parse({ version: 1, checkpoint: { runId: run.runId }, images: [{ seeds: [1] }], ...extra });
const render = (input: Record<string, unknown>) => handlers['explore.render'](exploreEngineRequests['explore.render'].input.parse(input));

/** Grey values of a PNG (sharp decodes greyscale PNGs to three equal channels). */
async function pixels(pngBase64: string): Promise<Uint8Array> {
  const rgb = await sharp(Buffer.from(pngBase64, 'base64')).raw().toBuffer();
  return Uint8Array.from({ length: rgb.length / 3 }, (_, i) => rgb[i * 3]!);
}

describe('explore.render', () => {
  it('draws one latent with each checkpoint, oldest first, each tile as that checkpoint draws it alone', async () => {
    const files = ['ckpt-000000002.gsc', 'ckpt-000000004.gsc'];
    const across = await render({ runDir: dcgan.runDir, spec: spec(dcgan, { truncation: { psi: 0.8 } }), cols: 1, directions: [], acrossCheckpoints: true, files });
    expect(across.steps).toEqual([2, 4]);
    expect(across.layout).toEqual({ count: 2, rows: 1, cols: 2, tileWidth: 28, tileHeight: 28, padding: 2 });
    expect(across.checkpoint).toMatchObject({ step: 4 });
    const tiled = await pixels(across.image.pngBase64);
    const tile = (i: number, y: number) => tiled.subarray((2 + y) * across.image.width + 2 + i * 30, (2 + y) * across.image.width + 2 + i * 30 + 28);
    const differs: number[] = [];
    for (const [i, file] of files.entries()) {
      const alone = await pixels((await render({ runDir: dcgan.runDir, spec: spec(dcgan, { checkpoint: { runId: dcgan.runId, file }, truncation: { psi: 0.8 } }), cols: 1, directions: [] })).image.pngBase64);
      for (let y = 0; y < 28; y++) expect(Math.max(...tile(i, y).map((v, x) => Math.abs(v - alone[y * 28 + x]!)))).toBeLessThanOrEqual(1);
      differs.push(alone.reduce((n, v, k) => n + Math.abs(v - tiled[(2 + Math.floor(k / 28)) * across.image.width + 2 + (k % 28)]!), 0));
    }
    // The two checkpoints draw that latent differently (training moved the weights).
    expect(differs[1]).toBeGreaterThan(0);
    // Once its generators are loaded, drawing across checkpoints leaves no tensor behind.
    const before = tf.memory().numTensors;
    await render({ runDir: dcgan.runDir, spec: spec(dcgan), cols: 1, directions: [], acrossCheckpoints: true, files });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a render across checkpoints of several images or without files', () => {
    const input = exploreEngineRequests['explore.render'].input;
    const two = { seeds: [1] };
    expect(input.safeParse({ runDir: 'r', spec: spec(dcgan, { images: [two, two] }), cols: 2, directions: [], acrossCheckpoints: true, files: ['a'] }).success).toBe(false);
    expect(input.safeParse({ runDir: 'r', spec: spec(dcgan), cols: 1, directions: [], acrossCheckpoints: true }).success).toBe(false);
  });

  it('draws one image alone and a grid with its layout, the same latents giving the same pixels', async () => {
    const one = await render({ runDir: dcgan.runDir, spec: spec(dcgan), cols: 1, directions: [] });
    expect(one.layout).toEqual({ count: 1, rows: 1, cols: 1, tileWidth: 28, tileHeight: 28, padding: 0 });
    expect(one.checkpoint).toMatchObject({ runId: dcgan.runId, step: 4 });
    const grid = await render({
      runDir: dcgan.runDir,
      spec: spec(dcgan, { images: [1, 2, 3, 4, 5].map((s) => ({ seeds: [s] })) }),
      cols: 4,
      directions: [],
      measureDiversity: true,
    });
    expect(grid.layout).toEqual({ count: 5, rows: 2, cols: 4, tileWidth: 28, tileHeight: 28, padding: 2 });
    expect(grid.image).toMatchObject({ width: 4 * 28 + 5 * 2, height: 2 * 28 + 3 * 2 });
    expect(grid.diversity).toBeGreaterThan(0);
    // Tile 1 of the grid is seed 1, as drawn alone.
    const [alone, tiled] = [await pixels(one.image.pngBase64), await pixels(grid.image.pngBase64)];
    const row = (y: number) => tiled.subarray((2 + y) * grid.image.width + 2, (2 + y) * grid.image.width + 30);
    for (let y = 0; y < 28; y++) expect(Math.max(...row(y).map((v, x) => Math.abs(v - alone[y * 28 + x]!)))).toBeLessThanOrEqual(1);
  });

  it('moves along saved directions and sweeps one of them', async () => {
    const vector = Array.from(latentForSeed(42, dcgan.config.model.zDim));
    const base = await render({ runDir: dcgan.runDir, spec: spec(dcgan), cols: 1, directions: [] });
    const moved = await render({ runDir: dcgan.runDir, spec: spec(dcgan, { directions: [{ id: 'd', amount: 3 }] }), cols: 1, directions: [{ id: 'd', vector }] });
    expect(moved.image.pngBase64).not.toBe(base.image.pngBase64);
    const sweep = await render({
      runDir: dcgan.runDir,
      spec: spec(dcgan, { images: [{ seeds: [1] }, { seeds: [2] }] }),
      cols: 3,
      sweep: { direction: 'd', amounts: [-3, 0, 3] },
      directions: [{ id: 'd', vector }],
    });
    expect(sweep.layout).toMatchObject({ count: 6, rows: 2, cols: 3 });
    await expect(render({ runDir: dcgan.runDir, spec: spec(dcgan, { directions: [{ id: 'gone', amount: 1 }] }), cols: 1, directions: [] })).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });

  it('renders every class of a conditional model for the same z, and refuses classes it lacks', async () => {
    const row = await render({
      runDir: conditional.runDir,
      spec: spec(conditional, { images: Array.from({ length: 10 }, (_, c) => ({ seeds: [3], class: c })) }),
      cols: 10,
      directions: [],
    });
    expect(row.layout).toMatchObject({ count: 10, rows: 1 });
    await expect(render({ runDir: dcgan.runDir, spec: spec(dcgan, { images: [{ seeds: [1], class: 2 }] }), cols: 1, directions: [] })).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });

  it('leaves no tensors behind', async () => {
    const input = { runDir: dcgan.runDir, spec: spec(dcgan, { truncation: { psi: 0.5, threshold: 1 } }), cols: 1, directions: [] };
    await render(input); // loads and caches the generator
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await render(input);
    await handlers['explore.directions.unsupervised']({ runDir: dcgan.runDir, method: 'ganspace', count: 3, samples: 64 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('directions from a generator', () => {
  it.each([
    ['dcgan', () => dcgan],
    ['conditional dcgan', () => conditional],
    ['mlp', () => mlp],
  ])('finds orthonormal SeFa and GANSpace directions of a %s', async (_name, run) => {
    for (const method of ['sefa', 'ganspace'] as const) {
      const found = await handlers['explore.directions.unsupervised']({ runDir: run().runDir, method, count: 3, samples: 96 });
      expect(found.zDim).toBe(run().config.model.zDim);
      expect(found.components).toHaveLength(3);
      found.components.forEach((a, i) => found.components.forEach((b, j) => expect(dot(a.vector, b.vector)).toBeCloseTo(i === j ? 1 : 0, 5)));
    }
  });

  it('fits a boundary between marked seeds, orthogonal to saved directions when asked', async () => {
    const zDim = dcgan.config.model.zDim;
    // "Has the attribute" = a positive first latent coordinate.
    const seeds = Array.from({ length: 60 }, (_, i) => i);
    const positives = seeds.filter((s) => latentForSeed(s, zDim)[0]! > 0.3);
    const negatives = seeds.filter((s) => latentForSeed(s, zDim)[0]! < -0.3);
    const fit = await handlers['explore.directions.fit']({ runDir: dcgan.runDir, positives, negatives, orthogonalTo: [] });
    expect(fit.accuracy).toBe(1);
    expect(fit.vector[0]).toBeGreaterThan(0.5);
    const other = Array.from(latentForSeed(5, zDim));
    const orthogonal = await handlers['explore.directions.fit']({ runDir: dcgan.runDir, positives, negatives, orthogonalTo: [other] });
    expect(dot(orthogonal.vector, other)).toBeCloseTo(0, 5);
    await expect(handlers['explore.directions.fit']({ runDir: dcgan.runDir, positives, negatives, orthogonalTo: [[1, 2]] })).rejects.toMatchObject({ code: 'invalid-request' });
  });
});

describe('classifier gradients', () => {
  // A differentiable two-class "classifier": bright images are class 0, dark ones class 1.
  const brightness: ImageClassifier = {
    classNames: ['bright', 'dark'],
    logits: (images) => tf.tidy(() => {
      const mean = tf.mean(images, [1, 2, 3]);
      return tf.stack([tf.mul(mean, 10), tf.mul(mean, -10)], 1) as tf.Tensor2D;
    }),
  };

  it('walks z toward the target class and returns a unit direction that moves images there', async () => {
    await generators.use(dcgan.runDir, undefined, async (g) => {
      const before = tf.memory().numTensors;
      const found = await classifierDirection(g, brightness, { targetClass: 0, steps: 8, samples: 6 });
      expect(tf.memory().numTensors).toBe(before);
      expect(found.after).toBeGreaterThan(found.before);
      expect(Math.hypot(...found.vector)).toBeCloseTo(1, 6);
      // The walked samples (the default seed range) get brighter along it and darker against it.
      const meanOf = async (amount: number) => {
        const z = latentsForSeeds([0, 1, 2, 3, 4, 5].map((i) => 2_000_000 + i), g.zDim).map((v, i) => v + amount * found.vector[i % g.zDim]!);
        const px = await g.generate(z);
        return px.reduce((s, v) => s + v, 0) / px.length;
      };
      expect(await meanOf(1)).toBeGreaterThan(await meanOf(-1));
      await expect(classifierDirection(g, brightness, { targetClass: 2 })).rejects.toThrow(/outside/);
    });
  });
});
