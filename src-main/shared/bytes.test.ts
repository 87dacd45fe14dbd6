import { describe, expect, it } from 'vitest';
import { formatBytes, GiB, MiB } from './bytes';
import { WASM_HEAP_LIMIT } from './model-design/cost';

describe('formatBytes', () => {
  it('writes binary units as KiB, MiB and GiB', () => {
    expect(formatBytes(WASM_HEAP_LIMIT)).toBe('4.0 GiB');
    expect(formatBytes(256 * MiB)).toBe('256 MiB');
    expect(formatBytes(2.34 * GiB)).toBe('2.3 GiB');
    expect(formatBytes(157 * MiB)).toBe('157 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(0)).toBe('0 B');
  });

  it('moves to the next unit where rounding would write 1024', () => {
    expect(formatBytes(MiB - 1)).toBe('1.0 MiB');
    expect(formatBytes(9.96 * MiB)).toBe('10 MiB');
    expect(formatBytes(5000 * GiB)).toBe('4.9 TiB');
  });
});
