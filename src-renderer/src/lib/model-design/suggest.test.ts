import { describe, expect, it } from 'vitest';
import { suggestedPreset } from './suggest';

describe('preset suggestion', () => {
  const emoji = { count: 3752, width: 32, height: 32, channels: 3, classes: [] };
  it('offers the DCGAN on clusters for a folder of unlabelled images, once', () => {
    expect(suggestedPreset(emoji, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(emoji, 'small-colour')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset({ ...emoji, channels: 1 }, 'mlp')?.why).toContain('3,752 images without labels');
    expect(suggestedPreset(emoji, 'dcgan-clusters')).toBeNull();
  });
  it('stays quiet for labelled, too small or big-image datasets, and without one', () => {
    expect(suggestedPreset({ ...emoji, classes: [{}, {}] }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, count: 399 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, width: 128, height: 128 }, 'dcgan')).toBeNull();
    // Over 1 GiB trains from a stream, where clusters cannot be found: the review would refuse it.
    expect(suggestedPreset({ ...emoji, count: 100_000, width: 64, height: 64 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, count: 80_000, width: 64, height: 64 }, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(emoji, 'cdcgan')).toBeNull();
    expect(suggestedPreset(null, 'dcgan')).toBeNull();
  });
});
