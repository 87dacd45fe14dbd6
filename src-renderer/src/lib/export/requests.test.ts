import { describe, expect, it } from 'vitest';
import { expandSource } from '../../../../src-main/api/export';
import { buildRequest, defaultDraft, frameCount, type ExportDraft } from './requests';

const draft = (over: Partial<ExportDraft>): ExportDraft => ({ ...defaultDraft(), runId: 'run-1', ...over });

describe('buildRequest', () => {
  it('makes an 8×8 grid from consecutive seeds on the chosen checkpoint', () => {
    const checked = buildRequest(draft({ firstSeed: 100, checkpoint: 'ckpt-000000400.gsc', captions: 'seed' }));
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.request).toMatchObject({ kind: 'grid', layout: { cols: 8, scale: 2, captions: 'seed' }, onExisting: 'rename' });
    if (checked.request.kind !== 'grid') throw new Error('kind');
    expect(checked.request.source).toEqual({
      from: 'seeds',
      first: 100,
      count: 64,
      class: null,
      checkpoint: { runId: 'run-1', file: 'ckpt-000000400.gsc' },
      truncation: { psi: 1, threshold: null },
      directions: [],
    });
    expect(expandSource(checked.request.source).images[63]).toMatchObject({ seeds: [163], class: null });
  });

  it('makes a looping interpolation of walks, one tile per walk per frame', () => {
    const checked = buildRequest(draft({ kind: 'animation', walks: 2, cols: 8, keyframes: 3, framesPerSegment: 5, loop: true, format: 'webp' }));
    if (!checked.ok || checked.request.kind !== 'animation') throw new Error('not an animation');
    expect(frameCount({ keyframes: 3, framesPerSegment: 5, loop: true })).toBe(15);
    const spec = expandSource(checked.request.source);
    expect(spec.images).toHaveLength(30);
    expect(checked.request.tilesPerFrame).toBe(2);
    expect(checked.request.layout.cols).toBe(2);
    expect(spec.images[1]).toMatchObject({ seeds: [3, 4, 5, 3], t: 0 });
    expect(spec.images[29]).toMatchObject({ seeds: [3, 4, 5, 3], t: 14 / 15 });
    expect(checked.request.animation).toEqual({ format: 'webp', delayMs: 80, loop: true });
  });

  it('keeps 50,000 images a few bytes long on the wire (web mode refuses messages over 1 MiB)', () => {
    const checked = buildRequest(draft({ kind: 'images', count: 50_000 }));
    if (!checked.ok) throw new Error(checked.message);
    expect(JSON.stringify(checked.request).length).toBeLessThan(400);
    expect(expandSource(checked.request.source).images).toHaveLength(50_000);
  });

  it('names the fields that are out of range, and needs a run', () => {
    expect(buildRequest({ ...defaultDraft() })).toMatchObject({ ok: false, message: 'Choose a run to export from.' });
    const bad = buildRequest(draft({ kind: 'images', count: 60_000, psi: null }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues).toEqual(expect.arrayContaining(['Images: at most 50,000', 'ψ: enter a number']));
    const name = buildRequest(draft({ name: '../evil' }));
    expect(name.ok).toBe(false);
  });

  it('asks only what a kind uses: the model needs no seeds', () => {
    const checked = buildRequest(draft({ kind: 'model', firstSeed: null, name: 'digits model' }));
    expect(checked).toMatchObject({ ok: true, request: { kind: 'model', checkpoint: { runId: 'run-1' }, name: 'digits model' } });
  });
});
