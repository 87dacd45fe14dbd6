import { describe, expect, it } from 'vitest';
import { suggestedPreset } from './suggest';

describe('preset suggestion', () => {
  const grey = { count: 3752, width: 32, height: 32, channels: 1, classes: [] };
  const emoji = { ...grey, channels: 3 };
  it('offers the DCGAN on clusters for a folder of unlabelled grey images, once', () => {
    expect(suggestedPreset(grey, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(grey, 'small-colour')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(grey, 'mlp')?.why).toContain('3,752 grey images without labels');
    expect(suggestedPreset(grey, 'dcgan-clusters')).toBeNull();
  });
  it('offers nothing for colour images, where the clusters measured level or behind (README, #20)', () => {
    expect(suggestedPreset(emoji, 'dcgan')).toBeNull();
    expect(suggestedPreset(emoji, 'small-colour')).toBeNull();
  });
  it('stays quiet for labelled, too small or big-image datasets, and without one', () => {
    expect(suggestedPreset({ ...grey, classes: [{}, {}] }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...grey, count: 399 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...grey, width: 128, height: 128 }, 'dcgan')).toBeNull();
    // Over 1 GiB trains from a stream, where clusters cannot be found: the review would refuse it.
    expect(suggestedPreset({ ...grey, count: 300_000, width: 64, height: 64 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...grey, count: 200_000, width: 64, height: 64 }, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(grey, 'cdcgan')).toBeNull();
    expect(suggestedPreset(null, 'dcgan')).toBeNull();
  });
});
