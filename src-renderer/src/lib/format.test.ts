import { describe, expect, it } from 'vitest';
import { formatEpoch } from './format';

describe('formatEpoch', () => {
  it('shows fractions early and whole passes late', () => {
    expect(formatEpoch(0.256)).toBe('0.26');
    expect(formatEpoch(3.44)).toBe('3.4');
    expect(formatEpoch(1234.9)).toMatch(/^1.?234$/);
  });
});
