import { describe, expect, it } from 'vitest';
import { preset } from '../../../src-main/api/training';
import { checkConfig, checkLiveChanges, type ConfigDraft } from './train-validation';

describe('checkConfig', () => {
  it('accepts every preset as it is', () => {
    for (const name of ['mlp', 'dcgan', 'cdcgan', 'wgan-gp'] as const) expect(checkConfig(preset(name)).ok).toBe(true);
  });

  it('names the field for an empty or out-of-range input', () => {
    const draft: ConfigDraft = { ...preset('mlp'), batchSize: null, optimizer: { ...preset('mlp').optimizer, gLr: 5 } };
    const checked = checkConfig(draft);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.fieldErrors.batchSize).toBe('Enter a number');
    expect(checked.fieldErrors['optimizer.gLr']).toMatch(/1/);
    expect(checked.issues).toContain('Batch size: Enter a number');
  });

  it('shows the schema’s own reason for refusing WGAN-GP with a batch-norm critic', () => {
    const dcgan = preset('dcgan');
    const checked = checkConfig({ ...dcgan, loss: { ...dcgan.loss, kind: 'wgan-gp' } });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.fieldErrors['model.dNorm']).toMatch(/batch norm in the critic/);
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
