import { describe, expect, it } from 'vitest';
import { suggestedPreset } from './suggest';

describe('preset suggestion', () => {
  const emoji = { count: 3752, width: 32, height: 32, channels: 3 };
  it('offers the small-colour preset for a few thousand colour images, once', () => {
    expect(suggestedPreset(emoji, 'dcgan')?.preset).toBe('small-colour');
    expect(suggestedPreset(emoji, null)?.why).toContain('3,752 colour images');
    expect(suggestedPreset(emoji, 'small-colour')).toBeNull();
  });
  it('stays quiet for grayscale, large or big-image datasets, and without one', () => {
    expect(suggestedPreset({ ...emoji, channels: 1 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, count: 50_000 }, 'dcgan')).toBeNull();
    expect(suggestedPreset({ ...emoji, width: 128, height: 128 }, 'dcgan')).toBeNull();
    expect(suggestedPreset(null, 'dcgan')).toBeNull();
  });
});
