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
  it('offers the small-colour preset (DCGAN with R1) for unlabelled colour images over the course’s presets, not clusters (README, #20)', () => {
    expect(suggestedPreset(emoji, 'dcgan')).toMatchObject({ preset: 'small-colour', why: expect.stringContaining('3,752 colour images without labels') });
    expect(suggestedPreset(emoji, 'wgan-gp')?.preset).toBe('small-colour');
    expect(suggestedPreset(emoji, 'small-colour')).toBeNull();
    // A saved or hand-made design is the user's: no offer over it.
    expect(suggestedPreset(emoji, null, { architecture: 'dcgan', labels: 'dataset' })).toBeNull();
    expect(suggestedPreset({ ...emoji, width: 128, height: 128 }, 'dcgan')).toBeNull();
  });
  it('offers the conditional DCGAN for a folder sorted into classes, grey or colour, unless every image is not in one', () => {
    const sorted = { ...emoji, count: 300, classes: [{ count: 180 }, { count: 70 }, { count: 50 }] };
    expect(suggestedPreset(sorted, 'small-colour')).toMatchObject({ preset: 'cdcgan', why: expect.stringContaining('300 colour images in 3 classes (subfolders)') });
    expect(suggestedPreset(sorted, 'small-colour')?.why).toContain('without the Small colour folder preset’s R1');
    expect(suggestedPreset(sorted, 'dcgan')?.why).not.toContain('R1');
    expect(suggestedPreset({ ...sorted, channels: 1 }, 'dcgan-clusters')?.why).toContain('300 grey images in 3 classes');
    expect(suggestedPreset(sorted, 'cdcgan')).toBeNull();
    // A saved or hand-made conditional design has no preset name: it is what the offer would give.
    expect(suggestedPreset(sorted, null, { architecture: 'cdcgan', labels: 'dataset' })).toBeNull();
    expect(suggestedPreset(sorted, 'dcgan', { architecture: 'cdcgan', labels: 'dataset' })).toBeNull();
    expect(suggestedPreset(sorted, null, { architecture: 'cdcgan', labels: 'clusters' })?.preset).toBe('cdcgan');
    expect(suggestedPreset(grey, null, { architecture: 'cdcgan', labels: 'clusters' })).toBeNull();
    expect(suggestedPreset(sorted, null, { architecture: 'dcgan', labels: 'dataset' })?.preset).toBe('cdcgan');
    // No offer when loose images beside the subfolders would train with an empty label, when a
    // class is empty, or past the classes a model takes.
    expect(suggestedPreset({ ...sorted, count: 301 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...sorted, classes: [...sorted.classes, { count: 0 }] }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...sorted, classes: [{ count: 300 }] }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...sorted, width: 128, height: 128 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...sorted, count: 1001, classes: Array.from({ length: 1001 }, () => ({ count: 1 })) }, 'dcgan')).toBeNull();
  });
  it('stays quiet for too small or big-image datasets, and without one', () => {
    expect(suggestedPreset({ ...grey, count: 399 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...grey, width: 128, height: 128 }, 'dcgan')).toBeNull();
    // Over 1 GiB trains from a stream, where clusters cannot be found: the review would refuse it.
    expect(suggestedPreset({ ...grey, count: 300_000, width: 64, height: 64 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...grey, count: 200_000, width: 64, height: 64 }, 'dcgan')?.preset).toBe('dcgan-clusters');
    expect(suggestedPreset(grey, 'cdcgan')).toBeNull();
    expect(suggestedPreset(null, 'dcgan')).toBeNull();
  });
});
