/**
 * Evaluating real checkpoints of real (tiny) runs end to end in the engine: metrics with
 * baselines, the record appended to the run's evaluations.jsonl, cached real features, progress,
 * cancel, and no leaked tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUpBackends } from '../backend/kernels/testing';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { GeneratorCache } from '../sampling';
import { trainTinyRun, type TinyRun } from '../sampling/testing';
import { tinyConfig } from '../training/testing-config';
import type { EngineContext } from '../capability';
import type { EvalProgress } from '../../api/evaluation';
import { DomainClassifier } from './classifier';
import { evaluateCheckpoint, fewRealNote } from './evaluate';
import { EVALUATIONS_FILE, evaluationDirOf, inceptionDirOf } from '../../project/layout';
import { readRecords } from '../../project/evaluations';
import { cacheGraphModel } from './graph-model';
import { writeTinyGraphModel } from './testing';
import { evaluationHandlers } from './handlers';

let project: string;
let run: TinyRun;
let conditional: TinyRun;
let clustered: TinyRun;

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
  project = await mkdtemp(join(tmpdir(), 'gan-eval-project-'));
  // A quickly trained classifier in the cache, so these tests do not spend a minute training the full one.
  const classifier = await DomainClassifier.train(loadMnistDemo(), { epochs: 1, maxTrainImages: 2000 });
  await classifier.save(join(evaluationDirOf(project), 'classifier-demo-mnist.gsc'));
  classifier.dispose();
  run = await trainTinyRun();
  conditional = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'cdcgan', numClasses: 10 } }));
  clustered = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'cdcgan', numClasses: 10, labels: 'clusters' } }));
}, 180_000);

const settings = { extractor: 'classifier' as const, bootstrap: 20, seed: 0, repeats: 1 };

describe('evaluateCheckpoint', () => {
  it('scores an untrained-looking generator far from the real-vs-real baseline, and saves the record', async () => {
    const generators = new GeneratorCache();
    const phases = new Set<EvalProgress['phase']>();
    const record = await evaluateCheckpoint(
      { ...settings, projectDir: project, runDir: run.runDir, metrics: ['kid', 'fid', 'pr', 'dc', 'is', 'copies'], samples: 200 },
      { generators, backend: 'wasm', onProgress: (phase) => phases.add(phase) },
    );
    expect(record.runId).toBe(run.runId);
    expect(record.checkpoint.step).toBe(4);
    expect(record.samples).toBe(200);
    expect(record.baselineSamples).toBe(200);
    expect(record.referenceSamples).toBe(loadMnistDemo().count - 200);
    // 200 real images on each side: nothing to warn of.
    expect(record.notes).toEqual([]);
    expect(record.values.map((v) => v.metric)).toEqual(['kid', 'fid', 'is', 'precision', 'recall', 'density', 'coverage', 'copy-rate']);
    const value = (name: string) => record.values.find((v) => v.metric === name)!;
    // Four training steps of a 4-channel DCGAN make blobs, not digits.
    expect(value('kid').value).toBeGreaterThan(value('kid').baseline! + 5 * value('kid').std!);
    expect(value('fid').value).toBeGreaterThan(5 * value('fid').baseline!);
    expect(value('fid').ci!.low).toBeLessThanOrEqual(value('fid').value * 1.5);
    expect(value('recall').value).toBeLessThan(value('recall').baseline!);
    expect(value('is').baseline!).toBeGreaterThan(4); // real digits: confident and balanced over 10 classes (a quick classifier here)
    expect(value('precision').ci).not.toBeNull();
    // Blobs copy nothing; real images read the 5 % the threshold is set at.
    expect(value('copy-rate').value).toBeLessThan(0.05);
    expect(value('copy-rate').baseline).toBeCloseTo(0.05, 2);
    expect([...phases]).toEqual(expect.arrayContaining(['real-features', 'generate', 'metrics', 'done']));
    // Saved: one line in the run's evaluations.jsonl, and the real features in the project's cache.
    expect(await readRecords(run.runDir)).toEqual([record]);
    expect((await readdir(evaluationDirOf(project))).some((f) => /^real-demo-mnist-classifier-[0-9a-f]{16}\.gsc$/.test(f))).toBe(true);
    generators.clear();
  });

  it('reuses the cached real features, is reproducible for a seed, and leaks no tensors', async () => {
    const generators = new GeneratorCache();
    const request = { ...settings, projectDir: project, runDir: run.runDir, metrics: ['kid' as const], samples: 100 };
    const warm = await evaluateCheckpoint(request, { generators, backend: 'wasm' });
    generators.clear();
    await new Promise((r) => setTimeout(r, 10));
    const before = tf.memory().numTensors;
    const phases: string[] = [];
    const again = await evaluateCheckpoint(request, { generators, backend: 'wasm', onProgress: (phase) => phases.push(phase) });
    generators.clear();
    await new Promise((r) => setTimeout(r, 10));
    expect(phases).not.toContain('real-features');
    expect(again.values).toEqual(warm.values);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with repeats, reports each metric’s median and range over draws with seeds seed…seed+n−1, as separate evaluations read them', async () => {
    const generators = new GeneratorCache();
    const request = { ...settings, seed: 5, projectDir: project, runDir: run.runDir, metrics: ['kid' as const, 'pr' as const, 'class-accuracy' as const], samples: 60 };
    const singles = [];
    for (const seed of [5, 6, 7]) singles.push(await evaluateCheckpoint({ ...request, seed, bootstrap: 0 }, { generators, backend: 'wasm' }));
    const messages: string[] = [];
    const drawn = await evaluateCheckpoint({ ...request, repeats: 3 }, { generators, backend: 'wasm', onProgress: (_p, _d, _t, message) => messages.push(message) });
    generators.clear();
    expect(drawn).toMatchObject({ seed: 5, repeats: 3, samples: 60 });
    // A plain DCGAN has no classes to be asked for: left out with its note, once.
    expect(drawn.notes.filter((n) => /Class accuracy left out/.test(n))).toHaveLength(1);
    expect(drawn.values.map((v) => v.metric)).toEqual(['kid', 'precision', 'recall']);
    for (const v of drawn.values) {
      const each = singles.map((r) => r.values.find((s) => s.metric === v.metric)!);
      const sorted = each.map((s) => s.value).sort((a, b) => a - b);
      expect(v.value, v.metric).toBe(sorted[1]);
      expect(v.draws).toEqual({ n: 3, low: sorted[0], high: sorted[2] });
      expect(v.baseline).toBe(each.map((s) => s.baseline!).sort((a, b) => a - b)[1]);
      expect([v.std, v.ci]).toEqual([null, null]);
    }
    // The three draws differ (other latents, other real halves), so the range is a real one.
    expect(drawn.values[0]!.draws!.high).toBeGreaterThan(drawn.values[0]!.draws!.low);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^Draw 1 of 3: /), expect.stringMatching(/^Draw 3 of 3: /)]));
    expect((await readRecords(run.runDir)).at(-1)).toEqual(drawn);
  });

  it('measures class accuracy of a conditional model against the classifier on held-out real digits', async () => {
    const generators = new GeneratorCache();
    const record = await evaluateCheckpoint(
      { ...settings, projectDir: project, runDir: conditional.runDir, metrics: ['class-accuracy'], samples: 100 },
      { generators, backend: 'wasm' },
    );
    const accuracy = record.values[0]!;
    expect(accuracy.metric).toBe('class-accuracy');
    expect(accuracy.value).toBeGreaterThanOrEqual(0);
    expect(accuracy.value).toBeLessThan(0.5); // two training steps cannot draw the asked-for digit
    expect(accuracy.baseline!).toBeGreaterThan(0.8);
    generators.clear();
  });

  it('never scores cluster numbers as the classifier’s classes, even when there are as many of them', async () => {
    const generators = new GeneratorCache();
    const record = await evaluateCheckpoint(
      { ...settings, bootstrap: 0, projectDir: project, runDir: clustered.runDir, metrics: ['kid', 'class-accuracy'], samples: 100 },
      { generators, backend: 'wasm' },
    );
    expect(record.values.map((v) => v.metric)).toEqual(['kid']);
    expect(record.notes.join(' ')).toMatch(/Class accuracy left out/);
    generators.clear();
  });

  it('evaluates with an imported graph model through the same path, and refuses IS without logits', async () => {
    const generators = new GeneratorCache();
    const request = { ...settings, extractor: 'inception' as const, projectDir: project, runDir: run.runDir, samples: 100 };
    await expect(evaluateCheckpoint({ ...request, metrics: ['kid'] }, { generators, backend: 'wasm' })).rejects.toThrow(/No feature-extractor model has been imported/);
    const model = await writeTinyGraphModel(join(project, 'tiny-graph-source'));
    await cacheGraphModel({ dir: model.dir }, inceptionDirOf(project), { name: 'Tiny graph model', inputRange: '-1,1' });
    const record = await evaluateCheckpoint({ ...request, metrics: ['fid', 'kid'] }, { generators, backend: 'wasm' });
    expect(record.extractor).toMatchObject({ kind: 'inception', label: expect.stringMatching(/^Tiny graph model \(4-d features, 8×8 input\)/) });
    expect(record.values.map((v) => [v.metric, Number.isFinite(v.value), Number.isFinite(v.baseline)])).toEqual([
      ['kid', true, true],
      ['fid', true, true],
    ]);
    expect(record.notes).toEqual([]);
    // IS does not apply to a feature-vector model: left out with the reason, the rest still computed…
    const mixed = await evaluateCheckpoint({ ...request, metrics: ['kid', 'is'] }, { generators, backend: 'wasm' });
    expect(mixed.values.map((v) => v.metric)).toEqual(['kid']);
    expect(mixed.notes).toEqual([expect.stringMatching(/^Inception Score left out: it needs class logits/)]);
    // …and alone it is an error, not an empty result.
    await expect(evaluateCheckpoint({ ...request, metrics: ['is'] }, { generators, backend: 'wasm' })).rejects.toThrow(/needs class logits/);
    generators.clear();
  });
});

describe('engine handlers', () => {
  it('cancels a running evaluation, reports progress, and appends nothing', async () => {
    const events: { event: string; payload: unknown }[] = [];
    let handlers!: ReturnType<typeof evaluationHandlers>;
    let cancelOnce = true;
    const ctx = {
      backend: { active: 'wasm' } as EngineContext['backend'],
      emit: (event: string, payload: unknown) => {
        events.push({ event, payload });
        if (cancelOnce && event === 'eval.progress' && (payload as EvalProgress).phase === 'generate') {
          cancelOnce = false;
          void handlers['eval.cancel']({});
        }
      },
      training: null as unknown as EngineContext['training'],
      generators: new GeneratorCache(),
      learn: null as unknown as EngineContext['learn'],
    } satisfies EngineContext;
    handlers = evaluationHandlers(ctx);
    const linesBefore = (await readFile(join(run.runDir, EVALUATIONS_FILE), 'utf8')).split('\n').length;
    await expect(
      handlers['eval.checkpoint']({ ...settings, projectDir: project, runDir: run.runDir, metrics: ['kid'], samples: 2000, index: 0, count: 1 }),
    ).rejects.toThrow(/cancelled/);
    expect(events.some((e) => e.event === 'eval.progress')).toBe(true);
    expect((await readFile(join(run.runDir, EVALUATIONS_FILE), 'utf8')).split('\n').length).toBe(linesBefore);
    // The slot is free again.
    const record = await handlers['eval.checkpoint']({ ...settings, projectDir: project, runDir: run.runDir, metrics: ['kid'], samples: 50, index: 0, count: 1 });
    expect(record.values[0]!.metric).toBe('kid');
    const info = await handlers['eval.extractors']({ projectDir: project });
    expect(info.classifier.cached).toEqual([expect.objectContaining({ dataset: 'MNIST digits (demo)', classes: 10, task: 'labels' })]);
    // Imported by the graph-model test above.
    expect(info.inception).toMatchObject({ available: true, label: 'Tiny graph model', error: null });
    ctx.generators.clear();
  });
});

describe('fewRealNote', () => {
  it('says how many real images a small dataset gave against the samples', () => {
    // The new-user walkthrough: 304 images, 1,000 samples, 152 on each real side.
    expect(fewRealNote(1000, 152, 152)).toBe(
      'The dataset holds too few images for 1,000 real ones on each side: 1,000 samples were compared with 152 real images, and the real-vs-real baseline used 152 held-out ones. ' +
        'The numbers vary more than the sample count suggests: compare checkpoints of this run with each other.',
    );
  });
});
