/** The evaluation channels refuse what the renderer must never send: paths, other schemes, absurd sizes. */
import { describe, expect, it } from 'vitest';
import { studioRequests } from './contract';
import { parseRequest } from './rpc';
import { weakClassifierNote } from './evaluation';

const good = { checkpoints: [{ runId: '20260101-120000-dcgan-bce-ab12', file: 'ckpt-000000250.gsc' }], metrics: ['kid'], samples: 500, extractor: 'classifier' };

describe('evaluation channels', () => {
  it('accepts a well-formed evaluation and fills the defaults', () => {
    const parsed = parseRequest(studioRequests, 'eval.run', good);
    expect(parsed).toMatchObject({ ok: true, input: { ...good, bootstrap: 100, seed: 0 } });
  });

  it.each([
    ['a path for a run id', 'eval.run', { ...good, checkpoints: [{ runId: '../../etc' }] }],
    ['a path for a checkpoint', 'eval.run', { ...good, checkpoints: [{ runId: 'run', file: '../ckpt-1.gsc' }] }],
    ['no checkpoints', 'eval.run', { ...good, checkpoints: [] }],
    ['an unknown metric', 'eval.run', { ...good, metrics: ['sharpness'] }],
    ['too few samples', 'eval.run', { ...good, samples: 10 }],
    ['an extra field', 'eval.run', { ...good, projectDir: '/tmp' }],
    ['a file: URL', 'eval.importExtractor', { source: { kind: 'url', url: 'file:///etc/passwd' } }],
    ['a bad checksum', 'eval.importExtractor', { source: { kind: 'url', url: 'https://example.com/model.json', sha256: 'abc' } }],
    ['a folder path from the renderer', 'eval.importExtractor', { source: { kind: 'dialog', dir: '/home' } }],
  ])('rejects %s', (_name, channel, payload) => {
    expect(parseRequest(studioRequests, channel, payload).ok).toBe(false);
  });
});

describe('weakClassifierNote', () => {
  it('flags a classifier less than halfway from chance to perfect, with its accuracy and chance', () => {
    // The emoji's rotation classifier in the new-user walkthrough: 42 %, chance 25 %.
    expect(weakClassifierNote({ task: 'rotation', classes: 4, testAccuracy: 0.42 })).toMatch(/^42.0% on its test images, where guessing gets 25.0%/);
    expect(weakClassifierNote({ task: 'rotation', classes: 4, testAccuracy: 0.62 })).not.toBeNull();
    expect(weakClassifierNote({ task: 'rotation', classes: 4, testAccuracy: 0.63 })).toBeNull();
    // Ten digit classes: chance 10 %, halfway 55 %; the digits' classifier reaches 96.6 %.
    expect(weakClassifierNote({ task: 'labels', classes: 10, testAccuracy: 0.5 })).toMatch(/where guessing gets 10.0%/);
    expect(weakClassifierNote({ task: 'labels', classes: 10, testAccuracy: 0.966 })).toBeNull();
  });

  it('takes chance from guessing the most common class when the classes are unbalanced', () => {
    // Two classes, 80 % of the test images in one: 85 % is barely better than always guessing it.
    expect(weakClassifierNote({ task: 'labels', classes: 2, testAccuracy: 0.85, chance: 0.8 })).toMatch(/^85.0% on its test images, where guessing gets 80.0%/);
    expect(weakClassifierNote({ task: 'labels', classes: 2, testAccuracy: 0.9, chance: 0.8 })).toBeNull();
    // Without a kept baseline (a classifier cached earlier), 1 in k as before.
    expect(weakClassifierNote({ task: 'labels', classes: 2, testAccuracy: 0.85, chance: null })).toBeNull();
  });

  it('never puts chance below a random guess (a classifier cached with a small test split’s 13 %)', () => {
    expect(weakClassifierNote({ task: 'labels', classes: 4, testAccuracy: 0.533, chance: 4 / 30 })).toMatch(/^53.3% on its test images, where guessing gets 25.0%/);
  });
});
