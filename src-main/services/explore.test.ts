import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CopiesResult, ExploreState, NearestResult, ProjectionProgress, ProjectionResult, RenderResult } from '../api/explore';
import { setUpBackends } from '../engine/backend/kernels/testing';
import { DomainClassifier } from '../engine/evaluation/classifier';
import { loadMnistDemo } from '../engine/dataset/mnist-demo';
import { CLUSTERS_FILE, evaluationDirOf } from '../project/layout';
import type { Reply } from '../api/rpc';
import { StudioService } from './studio-service';
import { sourceEngineHost } from '../test-support/engine';
import { tinyConfig } from '../engine/training/testing-config';

const engine = sourceEngineHost();
const service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0', mode: 'web', platform: 'linux' } });
let projectDir: string;
let runId: string;

async function ok<T>(reply: Promise<Reply<unknown>>): Promise<T> {
  const r = await reply;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message} ${r.error.issues?.join('; ') ?? ''}`);
  return r.value as T;
}

beforeAll(async () => {
  projectDir = await mkdtemp(join(tmpdir(), 'gan-explore-project-'));
  // A quickly trained digits classifier in the project's cache (the memorisation check's features).
  await setUpBackends();
  const classifier = await DomainClassifier.train(loadMnistDemo(), { epochs: 1, maxTrainImages: 2000 });
  await classifier.save(join(evaluationDirOf(projectDir), 'classifier-demo-mnist.gsc'));
  classifier.dispose();
  await engine.start();
  await service.openProject(projectDir, { create: true });
  const done = new Promise<void>((resolve) => service.onEvent((event, payload) => event === 'train.status' && (payload as { state: string }).state === 'completed' && resolve()));
  const status = await ok<{ runId: string }>(service.handle('train.start', { config: tinyConfig({ steps: 4, checkpointEvery: 2, sampleEvery: 2 }), dataset: 'demo:mnist' }));
  runId = status.runId;
  await done;
}, 120_000);
afterAll(() => engine.stop());

const spec = (extra: object = {}) => ({ version: 1, checkpoint: { runId }, images: [{ seeds: [1, 2], t: 0.5 }], ...extra });

describe('explore through main and the engine process', () => {
  it('renders the newest request of a lane and drops the ones it overtook', async () => {
    const replies = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((seq) => ok<RenderResult>(service.handle('explore.render', { lane: 'w1:scrubber', seq, spec: spec({ images: [{ seeds: [1, 2], t: seq / 10 }] }), cols: 1 }))),
    );
    expect(replies.map((r) => r.status)).toEqual(['rendered', 'superseded', 'superseded', 'superseded', 'superseded', 'rendered']);
    expect(replies.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const [first, last] = [replies[0]!, replies[5]!];
    if (first.status !== 'rendered' || last.status !== 'rendered') throw new Error('unreachable');
    expect(last.image.pngBase64).not.toBe(first.image.pngBase64);
    expect(last.checkpoint).toMatchObject({ runId, step: 4 });
    // Another lane is not held up or superseded by this one.
    const other = await ok<RenderResult>(service.handle('explore.render', { lane: 'w1:grid', seq: 1, spec: spec(), cols: 1 }));
    expect(other.status).toBe('rendered');
  });

  it('draws the current latent with every checkpoint of the run, oldest first', async () => {
    const reply = await ok<RenderResult>(service.handle('explore.render', { lane: 'w1:checkpoints', seq: 1, spec: spec(), cols: 1, acrossCheckpoints: true }));
    if (reply.status !== 'rendered') throw new Error('superseded');
    expect(reply.steps).toEqual([2, 4]);
    expect(reply.layout).toMatchObject({ count: 2, rows: 1, cols: 2 });
  });

  it('keeps favourites, directions and views in the project', async () => {
    let state = await ok<ExploreState>(service.handle('explore.favourite', { runId, seed: 12, class: null, favourite: true, note: 'a clean seven' }));
    expect(state.favourites).toMatchObject([{ seed: 12, note: 'a clean seven' }]);
    // A point between keyframes is a favourite of its own beside its first seed, and goes alone.
    const point = { seeds: [12, 40], t: 0.25, path: 'slerp' as const };
    state = await ok<ExploreState>(service.handle('explore.favourite', { runId, seed: 12, point, class: null, favourite: true, note: 'half way' }));
    expect(state.favourites).toMatchObject([{ seed: 12, note: 'a clean seven' }, { seed: 12, point, note: 'half way' }]);
    state = await ok<ExploreState>(service.handle('explore.favourite', { runId, seed: 12, point, class: null, favourite: false }));
    expect(state.favourites).toMatchObject([{ seed: 12, note: 'a clean seven' }]);
    expect(state.favourites[0]!.point).toBeUndefined();
    expect((await service.handle('explore.favourite', { runId, seed: 3, point, class: null, favourite: true })).ok).toBe(false);

    state = await ok<ExploreState>(service.handle('explore.directions.compute', { checkpoint: { runId }, method: 'sefa', count: 3 }));
    expect(state.directions.map((d) => d.id)).toEqual(['sefa-4-1', 'sefa-4-2', 'sefa-4-3']);
    // Computing again on the same checkpoint replaces them instead of adding copies.
    state = await ok<ExploreState>(service.handle('explore.directions.compute', { checkpoint: { runId }, method: 'sefa', count: 2 }));
    expect(state.directions.map((d) => d.id)).toEqual(['sefa-4-1', 'sefa-4-2']);

    state = await ok<ExploreState>(
      service.handle('explore.directions.fit', { checkpoint: { runId }, name: 'Thick strokes', positives: [1, 2, 3], negatives: [4, 5, 6], orthogonalTo: ['sefa-4-1'] }),
    );
    const fitted = state.directions.at(-1)!;
    expect(fitted).toMatchObject({ id: 'attr-thick-strokes', method: 'interfacegan', orthogonalTo: ['sefa-4-1'] });

    // A saved direction moves the image when its amount is set.
    const plain = await ok<RenderResult>(service.handle('explore.render', { lane: 'w2:main', seq: 1, spec: spec(), cols: 1 }));
    const moved = await ok<RenderResult>(service.handle('explore.render', { lane: 'w2:main', seq: 2, spec: spec({ directions: [{ id: fitted.id, amount: 3 }] }), cols: 1 }));
    expect(plain.status === 'rendered' && moved.status === 'rendered' && plain.image.pngBase64 !== moved.image.pngBase64).toBe(true);

    state = await ok<ExploreState>(service.handle('explore.directions.rename', { runId, id: 'sefa-4-2', name: 'Slant' }));
    expect(state.directions.find((d) => d.id === 'sefa-4-2')?.name).toBe('Slant');
    state = await ok<ExploreState>(service.handle('explore.directions.delete', { runId, id: 'sefa-4-1' }));
    expect(state.directions.map((d) => d.id)).toEqual(['sefa-4-2', 'attr-thick-strokes']);

    state = await ok<ExploreState>(service.handle('explore.views.save', { name: 'Between 1 and 2', spec: spec({ truncation: { psi: 0.7 } }) }));
    expect(state.views).toMatchObject([{ name: 'Between 1 and 2', spec: { truncation: { psi: 0.7, threshold: null } } }]);

    const onDisk = JSON.parse(await readFile(join(projectDir, 'explore', `${runId}.json`), 'utf8'));
    expect(onDisk.directions).toHaveLength(2);
    expect(onDisk.directions[0].vector).toHaveLength(8);
  });

  it('reports a damaged explorer file instead of failing', async () => {
    await writeFile(join(projectDir, 'explore', `${runId}.json`), 'not json');
    const state = await ok<ExploreState>(service.handle('explore.state', { runId }));
    expect(state.favourites).toEqual([]);
    expect(state.problems[0]).toMatch(/cannot be read/);
  });

  it('refuses runs the project does not have and renders that cannot be', async () => {
    const missing = await service.handle('explore.state', { runId: 'no-such-run' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const traversal = await service.handle('explore.state', { runId: '../etc' });
    expect(traversal).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const tooMany = await service.handle('explore.render', { lane: 'w3:grid', seq: 1, spec: spec({ images: Array.from({ length: 65 }, (_, i) => ({ seeds: [i] })) }), cols: 8 });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const unknownDirection = await service.handle('explore.render', { lane: 'w3:main', seq: 1, spec: spec({ directions: [{ id: 'nope', amount: 1 }] }), cols: 1 });
    expect(unknownDirection).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/not saved/) } });
  });

  it('shows a sample beside its nearest training images, and a checkpoint’s copy rate with the closest pairs', async () => {
    const near = await ok<NearestResult>(service.handle('explore.nearest', { spec: spec({ images: [{ seeds: [7] }] }), k: 3 }));
    expect(near.checkpoint).toMatchObject({ runId, step: 4 });
    for (const list of [near.byFeatures, near.byPixels]) {
      expect(list).toHaveLength(3);
      expect(list.map((m) => m.distance)).toEqual([...list.map((m) => m.distance)].sort((a, b) => a - b));
      expect(list[0]!.name).toMatch(/^training image [\d,]+ \(class \d\)$/);
    }
    // Two rows: the sample, then its 3 neighbours; 28-px tiles with 2-px gaps.
    expect([near.image.width, near.image.height]).toEqual([4 * 28 + 5 * 2, 2 * 28 + 3 * 2]);
    expect(near.byPixels[0]!.distance).toBeLessThan(1);

    const copies = await ok<CopiesResult>(service.handle('explore.copies', { checkpoint: { runId }, samples: 100 }));
    expect(copies.samples).toBe(100);
    expect(copies.rate).toBeGreaterThanOrEqual(0);
    expect(copies.rate).toBeLessThanOrEqual(1);
    expect(copies.realRate).toBeGreaterThan(0.03);
    expect(copies.realRate).toBeLessThanOrEqual(0.05);
    expect(copies.pairs).toHaveLength(8);
    expect(copies.pairs.map((p) => p.distance)).toEqual([...copies.pairs.map((p) => p.distance)].sort((a, b) => a - b));
    expect(copies.pairs.every((p) => p.copy === p.distance < copies.threshold)).toBe(true);
    expect([copies.image!.width, copies.image!.height]).toEqual([8 * 28 + 9 * 2, 2 * 28 + 3 * 2]);
  }, 120_000);

  it('projects a training image with the classifier’s features, streams the best reconstruction, and the found latent renders it', async () => {
    const updates: ProjectionProgress[] = [];
    const off = service.onEvent((event, payload) => event === 'explore.projection' && updates.push(payload as ProjectionProgress));
    const result = await ok<ProjectionResult>(service.handle('explore.project', { checkpoint: { runId }, source: { kind: 'dataset', row: 3 }, steps: 20, starts: 2 }));
    off();
    expect(result.target).toMatch(/^training image 4 \(class \d\)$/);
    expect(result.latent).toHaveLength(tinyConfig().model.zDim);
    expect(result.featureError).not.toBeNull();
    expect(result.nearestError).toBeGreaterThan(0);
    // The target and the reconstruction side by side.
    expect([result.image.width, result.image.height]).toEqual([2 * 28 + 3 * 2, 28 + 2 * 2]);
    expect(updates.map((u) => u.done)).toEqual([10, 20]);
    expect(updates.every((u) => u.runId === runId)).toBe(true);
    expect(updates.at(-1)!.error).toBeCloseTo(result.error, 6);

    // The found latent is a view like any seed's: it renders exactly the reconstruction shown.
    const shown = await ok<RenderResult>(
      service.handle('explore.render', { lane: 'w4:main', seq: 1, spec: spec({ images: [{ seeds: [result.seed], latent: result.latent }] }), cols: 1 }),
    );
    if (shown.status !== 'rendered') throw new Error('superseded');
    const recon = await ok<RenderResult>(service.handle('explore.render', { lane: 'w4:main', seq: 2, spec: spec({ images: [{ seeds: [result.seed] }] }), cols: 1 }));
    if (recon.status !== 'rendered') throw new Error('superseded');
    expect(shown.image.pngBase64).not.toBe(recon.image.pngBase64);
    const tile = async (pngBase64: string, left: number, top: number) => {
      const { data, info } = await sharp(Buffer.from(pngBase64, 'base64')).extract({ left, top, width: 28, height: 28 }).raw().toBuffer({ resolveWithObject: true });
      return Array.from({ length: 28 * 28 }, (_, i) => data[i * info.channels]!);
    };
    const pad = shown.layout.padding;
    const drawn = await tile(shown.image.pngBase64, pad, pad);
    const reconstruction = await tile(result.image.pngBase64, 2 + 28 + 2, 2);
    expect(Math.max(...drawn.map((v, i) => Math.abs(v - reconstruction[i]!)))).toBeLessThanOrEqual(1);
    // A latent of the wrong size is refused, naming both sizes.
    const wrong = await service.handle('explore.render', { lane: 'w4:main', seq: 3, spec: spec({ images: [{ seeds: [1], latent: [0.1, 0.2] }] }), cols: 1 });
    expect(wrong).toMatchObject({ ok: false, error: { message: expect.stringMatching(/latent has 2 values, the generator's z has \d+/) } });
  }, 120_000);

  it('cancels a running projection, refuses a second one meanwhile, and projects again afterwards', async () => {
    const started = new Promise<void>((resolve) => {
      const off = service.onEvent((event) => event === 'explore.projection' && (off(), resolve()));
    });
    const running = service.handle('explore.project', { checkpoint: { runId }, source: { kind: 'dataset', row: 1 }, steps: 2000, starts: 1, featureWeight: 0 });
    await started;
    const second = await service.handle('explore.project', { checkpoint: { runId }, source: { kind: 'dataset', row: 2 }, steps: 10, starts: 1, featureWeight: 0 });
    expect(second).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already running/) } });
    expect(await ok<{ cancelled: boolean }>(service.handle('explore.project.cancel', {}))).toEqual({ cancelled: true });
    expect(await running).toMatchObject({ ok: false, error: { message: 'Projection cancelled.' } });
    expect(await ok<{ cancelled: boolean }>(service.handle('explore.project.cancel', {}))).toEqual({ cancelled: false });
    const again = await ok<ProjectionResult>(service.handle('explore.project', { checkpoint: { runId }, source: { kind: 'dataset', row: 2 }, steps: 10, starts: 1, featureWeight: 0 }));
    expect(again.steps).toBe(10);
  }, 120_000);

  it('names a clusters run’s classes Cluster 1…k, keeps the dataset’s labels for the classifier, and renders a cluster', async () => {
    const done = new Promise<void>((resolve) => service.onEvent((event, payload) => event === 'train.status' && (payload as { state: string }).state === 'completed' && resolve()));
    const config = tinyConfig({ steps: 2, checkpointEvery: 2, sampleEvery: 2, model: { architecture: 'cdcgan', numClasses: 12, labels: 'clusters' } });
    const clustered = (await ok<{ runId: string }>(service.handle('train.start', { config, dataset: 'demo:mnist' }))).runId;
    await done;
    const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    expect(await ok(service.handle('explore.classes', { runId }))).toEqual({ dataset: 'demo:mnist', classNames: digits, labelNames: digits });
    const classes = await ok<{ classNames: string[]; labelNames: string[] }>(service.handle('explore.classes', { runId: clustered }));
    expect(classes.classNames).toEqual(Array.from({ length: 12 }, (_, i) => `Cluster ${i + 1}`));
    expect(classes.labelNames).toEqual(digits);
    const rendered = await ok<RenderResult>(
      service.handle('explore.render', { lane: 'w1:clusters', seq: 1, spec: { version: 1, checkpoint: { runId: clustered }, images: [{ seeds: [1], class: 11 }] }, cols: 1 }),
    );
    expect(rendered.status).toBe('rendered');
    // The memorisation check draws the clusters in their saved sizes; without the file it says what to do.
    const copies = await ok<CopiesResult>(service.handle('explore.copies', { checkpoint: { runId: clustered }, samples: 100 }));
    expect(copies.samples).toBe(100);
    const runDir = join(projectDir, 'runs', clustered);
    await rm(join(runDir, CLUSTERS_FILE));
    const refused = await service.handle('explore.copies', { checkpoint: { runId: clustered }, samples: 100 });
    expect(refused.ok ? '' : refused.error.message).toMatch(/clusters\.json is missing.*Open the run once.*gan-studio train --resume/);
  }, 120_000);
});
