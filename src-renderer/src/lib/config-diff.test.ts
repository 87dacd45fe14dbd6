import { describe, expect, it } from 'vitest';
import { preset } from '../../../src-main/api/training';
import { diffConfigs, flattenConfig, formatDiffRow } from './config-diff';

describe('diffConfigs', () => {
  it('lists nothing for equal configs', () => {
    expect(diffConfigs(preset('dcgan'), preset('dcgan'))).toEqual([]);
  });

  it('names every changed leaf by its path, in the config’s order', () => {
    const rows = diffConfigs(preset('dcgan'), preset('wgan-gp')).map(formatDiffRow);
    expect(rows).toEqual([
      'model.dNorm: batch → none',
      'loss.kind: bce → wgan-gp',
      'loss.labelSmoothing: 0.1 → 0',
      'optimizer.gLr: 0.0002 → 0.0001',
      'optimizer.dLr: 0.0002 → 0.0001',
      'optimizer.beta1: 0.5 → 0',
      'optimizer.beta2: 0.999 → 0.9',
      'nCritic: 1 → 5',
    ]);
  });

  it('shows lists as lists and missing fields as a dash', () => {
    const dcgan = preset('dcgan');
    const withAugment = { ...dcgan, augment: { flip: true, diffAugment: ['translation', 'cutout'], adaptive: false } };
    expect(diffConfigs(dcgan, withAugment).map(formatDiffRow)).toEqual(['augment.flip: false → true', 'augment.diffAugment: none → translation, cutout']);
    const { evaluation: _, ...older } = dcgan;
    expect(diffConfigs(older, dcgan).map((r) => r.path)).toEqual(['evaluation']);
    expect(diffConfigs(older, dcgan)[0]!.a).toBe('—');
  });
});

describe('flattenConfig', () => {
  it('lists every setting once, as the diff names them', () => {
    const rows = flattenConfig(preset('dcgan'));
    expect(rows.find((r) => r.path === 'optimizer.gLr')?.value).toBe(String(preset('dcgan').optimizer.gLr));
    expect(rows.find((r) => r.path === 'augment.diffAugment')?.value).toBe('none');
    expect(new Set(rows.map((r) => r.path)).size).toBe(rows.length);
    // Each path is one a diff against a changed config would name.
    expect(diffConfigs(preset('dcgan'), { ...preset('dcgan'), seed: 99 }).map((r) => r.path)).toEqual(['seed']);
    expect(rows.map((r) => r.path)).toContain('seed');
  });
});
