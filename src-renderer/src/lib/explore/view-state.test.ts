import { describe, expect, it } from 'vitest';
import { sampleSpecSchema } from '../../../../src-main/api/sampling';
import { advanceLoop, pageSeeds, parseSpecText, partsFromSpec, stripTimes, tileRect, viewSpec, type ViewParts } from './view-state';

const parts: ViewParts = {
  runId: 'run-1',
  file: 'ckpt-000000400.gsc',
  keyframes: [3, 17],
  t: 0.25,
  path: 'slerp',
  classIndex: null,
  latent: null,
  psi: 0.7,
  threshold: 1.5,
  amounts: { 'sefa-400-1': 2, 'sefa-400-2': 0 },
};

describe('explorer view state', () => {
  it('is a valid SampleSpec that round-trips through JSON', () => {
    const spec = viewSpec(parts);
    expect(sampleSpecSchema.parse(spec)).toEqual(spec);
    expect(spec.directions).toEqual([{ id: 'sefa-400-1', amount: 2 }]);
    const reopened = parseSpecText(JSON.stringify(spec));
    expect(reopened.ok && partsFromSpec(reopened.spec)).toEqual({ ...parts, amounts: { 'sefa-400-1': 2 } });
  });

  it('carries a projected latent by value in place of the first seed, through JSON and back', () => {
    const latent = [0.5, -1.25, 2];
    const spec = viewSpec({ ...parts, latent });
    expect(spec.images[0]).toMatchObject({ seeds: [3, 17], latent });
    const reopened = parseSpecText(JSON.stringify(spec));
    expect(reopened.ok && partsFromSpec(reopened.spec).latent).toEqual(latent);
    expect(viewSpec(parts).images[0]).not.toHaveProperty('latent');
  });

  it('stores t as 0 for a single keyframe, and follows the newest checkpoint without a file', () => {
    const spec = viewSpec({ ...parts, keyframes: [9], file: null });
    expect(spec.images[0]).toMatchObject({ seeds: [9], t: 0 });
    expect(spec.checkpoint).toEqual({ runId: 'run-1' });
  });

  it('explains JSON that is not a view', () => {
    expect(parseSpecText('{oops')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not JSON/) } });
    const wrong = parseSpecText(JSON.stringify({ version: 1, checkpoint: { runId: 'r' }, images: [] }));
    expect(wrong).toMatchObject({ ok: false, error: { issues: [expect.stringMatching(/^images/)] } });
  });
});

describe('layout helpers', () => {
  it('pages seeds and spaces strip frames', () => {
    expect(pageSeeds(2, 4)).toEqual([8, 9, 10, 11]);
    expect(stripTimes(5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('places tiles in percent of the grid image', () => {
    const layout = { count: 4, rows: 2, cols: 2, tileWidth: 28, tileHeight: 28, padding: 2 };
    // 2·28 + 3·2 = 62 px each way; tile 3 starts at 2 + 28 + 2 = 32 px.
    expect(tileRect(layout, 3)).toEqual({ left: (32 / 62) * 100, top: (32 / 62) * 100, width: (28 / 62) * 100, height: (28 / 62) * 100 });
  });

  it('ping-pongs the loop between the ends', () => {
    const bounced = advanceLoop(0.9, true, 0.5, 0.4);
    expect(bounced.t).toBeCloseTo(0.9, 10);
    expect(bounced.forward).toBe(false);
    const back = advanceLoop(0.1, false, 1, 0.3);
    expect(back.t).toBeCloseTo(0.2, 10);
    expect(back.forward).toBe(true);
    expect(advanceLoop(0.5, true, 1, 10).t).toBeGreaterThanOrEqual(0);
  });
});
