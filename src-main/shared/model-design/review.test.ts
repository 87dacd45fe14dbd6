import { describe, expect, it } from 'vitest';
import { StudioError } from '../../api/rpc';
import { preset, presetNames } from '../../api/training';
import type { TrainConfig } from '../../api/train-config';
import { assertTrainable, datasetShapeOf, describeFinding, reviewConfig, type DatasetShape } from './review';

const digits: DatasetShape = { name: 'MNIST digits (demo)', width: 28, height: 28, channels: 1, count: 10_000, classes: 10, labelled: 10_000 };
const cats: DatasetShape = { name: 'cats', width: 64, height: 64, channels: 3, count: 5000, classes: 0, labelled: 0 };
const big = (batchSize: number): TrainConfig => {
  const dcgan = preset('dcgan');
  return { ...dcgan, batchSize, model: { ...dcgan.model, resolution: 64, channels: 3, zDim: 100, gWidth: 64, dWidth: 64 } };
};
const paths = (config: unknown, context = {}) => reviewConfig(config, context).findings.map((f) => `${f.severity} ${f.path}`);

describe('reviewConfig', () => {
  it('has nothing to say about the presets on their data (the digits; emoji for small-colour), on any backend', () => {
    const emoji: DatasetShape = { name: 'twemoji', width: 32, height: 32, channels: 3, count: 3752, classes: 0, labelled: 0 };
    for (const name of presetNames) {
      for (const backend of ['wasm', 'cpu', 'tensorflow'] as const) {
        const dataset = name === 'small-colour' ? emoji : digits;
        expect(reviewConfig(preset(name), { dataset, backend })).toEqual({ config: preset(name), findings: [], ok: true });
      }
    }
  });

  it('turns schema issues into errors on their field, in words', () => {
    const dcgan = preset('dcgan');
    const review = reviewConfig({ ...dcgan, batchSize: null, model: { ...dcgan.model, resolution: 48 } });
    expect(review.ok).toBe(false);
    expect(review.config).toBeNull();
    expect(review.findings.map(describeFinding)).toEqual([
      'Resolution: the models are built for 28, 32, 64 or 128 px: the DCGAN doubles a 7×7 or 4×4 start (7·2ᵏ or 4·2ᵏ)',
      'Batch size: Enter a number',
    ]);
  });

  it('refuses batch norm in a WGAN-GP critic and says why', () => {
    const dcgan = preset('dcgan');
    const review = reviewConfig({ ...dcgan, loss: { ...dcgan.loss, kind: 'wgan-gp' } });
    expect(review.findings).toEqual([expect.objectContaining({ severity: 'error', path: 'model.dNorm', message: expect.stringMatching(/mixes samples/) })]);
  });

  it('refuses a conditional GAN on an unlabelled dataset or one with other classes', () => {
    expect(paths(preset('cdcgan'), { dataset: { ...cats, width: 28, height: 28, channels: 1 } })).toContain('error model.architecture');
    expect(paths(preset('cdcgan'), { dataset: { ...digits, classes: 3 } })).toEqual(['error model.numClasses']);
    expect(paths(preset('cdcgan'), { dataset: { ...digits, labelled: 9000 } })).toEqual(['warning model.architecture']);
  });

  it('conditions on clusters without labels, given at least 20 images per cluster; only the cGAN can', () => {
    const clusters = preset('dcgan-clusters');
    const grey = { ...cats, width: 28, height: 28, channels: 1 as const };
    expect(paths(clusters, { dataset: grey })).toEqual([]);
    expect(paths(clusters, { dataset: { ...grey, count: 300 } })).toEqual(['error model.numClasses', 'warning augment.diffAugment']);
    expect(describeFinding(reviewConfig(clusters, { dataset: { ...grey, count: 300 } }).findings[0]!)).toMatch(/300 images are too few for 20 clusters.*use 15 or fewer/);
    // Too few for even 2 clusters: the advice is another kind of model, not a count the form cannot set.
    const tiny = reviewConfig({ ...clusters, model: { ...clusters.model, numClasses: 2 } }, { dataset: { ...grey, count: 30 } }).findings[0]!;
    expect(tiny.path).toBe('model.labels');
    expect(describeFinding(tiny)).toMatch(/30 images are too few to cluster: 2 clusters need at least 40.*plain DCGAN/);
    expect(paths({ ...clusters, model: { ...clusters.model, architecture: 'dcgan', numClasses: 0 } })).toEqual(['error model.labels']);
    // Over 1 GiB trains from a stream, where no clusters are found: refused before Start, not at it.
    expect(paths(clusters, { dataset: { ...grey, count: 1_400_000 } })).toEqual(['error model.labels']);
    expect(paths({ ...clusters, model: { ...clusters.model, numClasses: 101 } })).toEqual(['error model.numClasses']);
  });

  it('warns when the model and the data disagree on size, colour or amount', () => {
    expect(paths(preset('dcgan'), { dataset: cats })).toEqual(['warning model.resolution', 'warning model.channels']);
    expect(paths(big(64), { dataset: digits })).toEqual(['warning model.resolution', 'warning model.channels']);
    const few = { ...digits, count: 40 };
    expect(paths(preset('dcgan'), { dataset: few })).toEqual(['warning batchSize', 'warning augment.diffAugment']);
    // Non-square images are stretched to the model's square.
    const wide = reviewConfig(big(64), { dataset: { ...cats, width: 64, height: 48 } }).findings;
    expect(wide.map(describeFinding)).toContainEqual(expect.stringMatching(/64×48: the models draw squares, so images are stretched to 64×64/));
  });

  it('refuses a model that cannot fit the wasm heap, warns near it, and leaves other backends alone', () => {
    expect(paths(big(16), { backend: 'wasm' })).toEqual([]);
    expect(paths(big(300), { backend: 'wasm' })).toEqual(['warning batchSize']);
    const refused = reviewConfig(big(512), { backend: 'wasm' });
    expect(refused.ok).toBe(false);
    expect(describeFinding(refused.findings[0]!)).toMatch(/^Batch size: a step needs about \d+\.\d GiB, more than the WebAssembly backend’s 4\.0 GiB heap/);
    expect(paths(big(512), { backend: 'tensorflow' })).toEqual([]);
  });

  it('names the setting that makes a design too big, not always the batch size', () => {
    // The Model view blamed Batch size for a 512-wide G at batch 16, where halving the batch saves nothing.
    const wideG = { ...big(16), model: { ...big(16).model, gWidth: 512 } };
    const refused = reviewConfig(wideG, { backend: 'wasm' });
    expect(refused.findings.map((f) => `${f.severity} ${f.path}`)).toEqual(['error model.gWidth']);
    expect(describeFinding(refused.findings[0]!)).toMatch(/^G width: a step needs about \d+ GiB, more than .*: halving G width saves the most \(about \d+ GiB/);
    const wideD = { ...big(16), model: { ...big(16).model, dWidth: 512 } };
    expect(paths(wideD, { backend: 'wasm' })).toEqual(['error model.dWidth']);
    // Where the batch weighs most, the batch size is named, with what the others would save.
    expect(describeFinding(reviewConfig(big(512), { backend: 'wasm' }).findings[0]!)).toMatch(
      /halving batch size saves the most \(about \d\.\d GiB; G width: \d\.\d GiB; D width: \d\.\d GiB\)/,
    );
  });

  it('warns about combinations the literature advises against', () => {
    const dcgan = preset('dcgan');
    expect(paths({ ...dcgan, nCritic: 5 })).toEqual(['warning nCritic']);
    expect(paths({ ...preset('wgan-gp'), nCritic: 1 })).toEqual(['warning nCritic']);
    expect(paths({ ...dcgan, loss: { ...dcgan.loss, kind: 'wgan', labelSmoothing: 0 } })).toEqual(['warning optimizer.kind']);
    expect(paths({ ...dcgan, loss: { ...dcgan.loss, kind: 'hinge' } })).toEqual(['warning loss.labelSmoothing']);
    expect(paths({ ...dcgan, optimizer: { ...dcgan.optimizer, gLr: 0.05, dLr: 0.05 } })).toEqual(['warning optimizer.gLr', 'warning optimizer.dLr']);
    expect(paths({ ...dcgan, optimizer: { ...dcgan.optimizer, dLr: 0.004 } })).toEqual(['warning optimizer.dLr']);
    expect(paths({ ...dcgan, batchSize: 4 })).toEqual(['warning batchSize']);
    expect(paths({ ...dcgan, steps: 100 })).toEqual(['warning emaDecay', 'warning checkpointEvery']);
    expect(paths({ ...dcgan, evaluation: { every: 500, samples: 500, metric: 'fid', patience: 0 } })).toEqual(['warning evaluation.samples']);
    expect(paths({ ...dcgan, evaluation: { every: 0, samples: 500, metric: 'kid', patience: 3 } })).toEqual(['warning evaluation.patience']);
    expect(paths({ ...dcgan, evaluation: { every: 500, samples: 500, metric: 'kid', patience: 3 } })).toEqual([]);
  });

  it('describes a project dataset from its summary', () => {
    const summary = { id: 'project', name: 'pets', source: '/x', count: 30, width: 64, height: 48, channels: 3 as const, preview: { width: 1, height: 1, pngBase64: '' } };
    const classes = [{ name: 'cat', count: 12 }, { name: 'dog', count: 15 }];
    expect(datasetShapeOf({ ...summary, classes })).toEqual({ name: 'pets', width: 64, height: 48, channels: 3, count: 30, classes: 2, labelled: 27 });
  });
});

describe('assertTrainable', () => {
  it('returns the parsed config, or throws every error as an invalid request', () => {
    expect(assertTrainable(preset('mlp'))).toEqual(preset('mlp'));
    try {
      assertTrainable(big(512), { backend: 'wasm' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StudioError);
      expect((err as StudioError).code).toBe('invalid-request');
      expect((err as StudioError).issues).toEqual([expect.stringMatching(/^Batch size: a step needs about/)]);
    }
  });
});
