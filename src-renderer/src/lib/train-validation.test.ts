import { describe, expect, it } from 'vitest';
import { preset } from '../../../src-main/api/training';
import { checkLiveChanges, reviewDraft, type ConfigDraft } from './train-validation';

describe('reviewDraft without a dataset or backend (what the engine refuses)', () => {
  it('accepts every preset as it is', () => {
    for (const name of ['mlp', 'dcgan', 'cdcgan', 'wgan-gp'] as const) expect(reviewDraft(preset(name)).ok).toBe(true);
  });

  it('names the field for an empty or out-of-range input', () => {
    const draft: ConfigDraft = { ...preset('mlp'), batchSize: null, optimizer: { ...preset('mlp').optimizer, gLr: 5 } };
    const checked = reviewDraft(draft);
    expect(checked.ok).toBe(false);
    expect(checked.fieldErrors.batchSize).toBe('Enter a number');
    expect(checked.fieldErrors['optimizer.gLr']).toMatch(/1/);
    expect(checked.errors).toContain('Batch size: Enter a number');
  });

  it('shows the schema’s own reason for refusing WGAN-GP with a batch-norm critic', () => {
    const dcgan = preset('dcgan');
    const checked = reviewDraft({ ...dcgan, loss: { ...dcgan.loss, kind: 'wgan-gp' } });
    expect(checked.ok).toBe(false);
    expect(checked.fieldErrors['model.dNorm']).toMatch(/batch norm in the critic/);
  });
});

describe('reviewDraft', () => {
  const digits = { name: 'digits', width: 28, height: 28, channels: 1 as const, count: 10_000, classes: 10, labelled: 10_000 };

  it('splits the shared review into blocking errors and warnings, per field and as lines', () => {
    const dcgan = preset('dcgan');
    const review = reviewDraft({ ...dcgan, nCritic: 5, batchSize: 8 }, { dataset: digits, backend: 'wasm' });
    expect(review.ok).toBe(true);
    expect(review.value).toEqual({ ...dcgan, nCritic: 5, batchSize: 8 });
    expect(review.fieldErrors).toEqual({});
    expect(Object.keys(review.fieldWarnings).sort()).toEqual(['batchSize', 'nCritic']);
    expect(review.warnings[0]).toMatch(/^n_critic: 5 D steps per G step suit a Wasserstein critic/);
  });

  it('blocks a conditional model on a dataset without those classes', () => {
    const review = reviewDraft(preset('cdcgan'), { dataset: { ...digits, classes: 0, labelled: 0 } });
    expect(review.ok).toBe(false);
    expect(review.fieldErrors['model.architecture']).toMatch(/no class labels/);
    expect(review.errors).toEqual([expect.stringMatching(/^Architecture: digits has no class labels/)]);
  });
});

describe('checkLiveChanges', () => {
  const live = { gLr: 2e-4, dLr: 2e-4, nCritic: 1, labelSmoothing: 0.1 };

  it('returns only what changed', () => {
    expect(checkLiveChanges({ ...live, dLr: 1e-4 }, live)).toEqual({ ok: true, value: { dLr: 1e-4 } });
    expect(checkLiveChanges({ ...live }, live)).toEqual({ ok: true, value: {} });
  });

  it('refuses values main would refuse', () => {
    const checked = checkLiveChanges({ ...live, nCritic: 0, labelSmoothing: undefined }, live);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.fieldErrors).sort()).toEqual(['labelSmoothing', 'nCritic']);
  });
});
