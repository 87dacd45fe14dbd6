import { describe, expect, it } from 'vitest';
import { suggestedPreset } from './suggest';

describe('preset suggestion', () => {
  const emoji = { count: 3752, width: 32, height: 32, channels: 3, classes: [] };
  const emoji64 = { ...emoji, width: 64, height: 64 };
  it('offers the small-colour preset for a folder of unlabelled colour images at up to 32 px, once', () => {
    expect(suggestedPreset(emoji, 'dcgan')?.preset).toBe('small-colour');
    expect(suggestedPreset(emoji, 'dcgan-clusters')?.preset).toBe('small-colour');
    expect(suggestedPreset(emoji, 'mlp')?.why).toContain('3,752 colour images without labels');
    expect(suggestedPreset(emoji, 'small-colour')).toBeNull();
  });
  it('offers the DCGAN on clusters for other unlabelled folders at up to 64 px, once', () => {
    expect(suggestedPreset(emoji64, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(emoji64, 'small-colour')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset({ ...emoji, channels: 1 }, 'mlp')?.why).toContain('3,752 images without labels');
    expect(suggestedPreset({ ...emoji, channels: 1 }, 'dcgan-clusters')).toBeNull();
  });
  it('stays quiet for labelled, too small or big-image datasets, and without one', () => {
    expect(suggestedPreset({ ...emoji, classes: [{}, {}] }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, count: 399 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, width: 128, height: 128 }, 'dcgan')).toBeNull();
    // Over 1 GiB trains from a stream, where clusters cannot be found: the review would refuse it.
    expect(suggestedPreset({ ...emoji64, count: 100_000 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji64, count: 80_000 }, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(emoji, 'cdcgan')).toBeNull();
    expect(suggestedPreset(null, 'dcgan')).toBeNull();
  });
});
