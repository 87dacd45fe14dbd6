import { describe, expect, it } from 'vitest';
import { paramMarkers } from './param-markers';

const initial = { gLr: 0.0002, dLr: 0.0002, nCritic: 1, labelSmoothing: 0.1 };

describe('paramMarkers', () => {
  it('says what changed at each step against what was in effect before, and skips no-op applies', () => {
    const markers = paramMarkers(initial, [
      { step: 120, live: { ...initial, gLr: 0.001 } },
      { step: 150, live: { ...initial, gLr: 0.001 } },
      { step: 300, live: { ...initial, gLr: 0.0005, nCritic: 5 } },
    ]);
    expect(markers).toEqual([
      { step: 120, label: 'G lr 2.00e-4 → 0.001' },
      { step: 300, label: 'G lr 0.001 → 5.00e-4, n_critic 1 → 5' },
    ]);
  });
});
