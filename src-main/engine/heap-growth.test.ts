import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { HEAP_GROWING_PERCENT, tuneHeapGrowth } from './heap-growth';

describe('the engine heap growth setting', () => {
  it('asks V8 for a fixed growing factor of 2', () => {
    const flags: string[] = [];
    tuneHeapGrowth((f) => flags.push(f));
    expect(flags).toEqual(['--heap-growing-percent=100']);
    expect(HEAP_GROWING_PERCENT).toBe(100);
  });

  it('is a flag this Node accepts at run time (a misspelt one would be ignored without a word)', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options).toMatch(/--heap-growing-percent \(/);
  });
});
