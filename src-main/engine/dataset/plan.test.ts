import { describe, expect, it } from 'vitest';
import { assemble, type Outcome } from './plan';
import type { ScannedFile } from './scan';

const file = (path: string): ScannedFile => ({ path, absPath: `/src/${path}`, size: 10, mtimeMs: 1, folder: path.includes('/') ? path.split('/')[0]! : null });

describe('assemble', () => {
  it('keeps the first of equal images, and says so when a copy sits in another class folder', () => {
    const files = ['cats/a.png', 'cats/b.png', 'dogs/c.png', 'dogs/d.png'].map(file);
    const outcomes = new Map<string, Outcome>([
      ['cats/a.png', { ok: true, hash: 'h1' }],
      ['cats/b.png', { ok: true, hash: 'h1' }],
      ['dogs/c.png', { ok: true, hash: 'h1' }],
      ['dogs/d.png', { ok: true, hash: 'h2' }],
    ]);
    const assembly = assemble(files, outcomes, [], true);
    expect(assembly.kept.map((r) => r.path)).toEqual(['cats/a.png', 'dogs/d.png']);
    expect(assembly.duplicates).toBe(2);
    expect(assembly.skipped).toEqual([
      { path: 'cats/b.png', code: 'duplicate', reason: 'duplicate of cats/a.png' },
      { path: 'dogs/c.png', code: 'cross-class-duplicate', reason: 'the same image as cats/a.png: kept in class “cats” only, so it trains as “cats”, not as “dogs”' },
    ]);
    // A copy at the top level (no class) and one in a class folder.
    const loose = assemble([file('a.png'), file('dogs/a.png')], new Map<string, Outcome>([['a.png', { ok: true, hash: 'h' }], ['dogs/a.png', { ok: true, hash: 'h' }]]), [], true);
    expect(loose.skipped[0]!.reason).toBe('the same image as a.png: kept at the top level (no class) only, so it trains unlabelled, not as “dogs”');
    // Without labels from folders a copy anywhere is a plain duplicate.
    expect(assemble(files, outcomes, [], false).skipped.map((s) => s.code)).toEqual(['duplicate', 'duplicate']);
  });
});
