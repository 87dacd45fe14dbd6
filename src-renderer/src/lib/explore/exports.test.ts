import { describe, expect, it } from 'vitest';
import { exportRequestSchema, expandSource } from '../../../../src-main/api/export';
import { exploreExportRequest, INTERPOLATION_FRAMES, SWEEP_FRAMES, SWEEP_REACH } from './exports';
import type { ViewParts } from './view-state';
import { exportLabel } from '../export/options';

const parts: ViewParts = {
  runId: '20261202-101010-dcgan-bce-abcd',
  file: 'ckpt-000000020.gsc',
  keyframes: [3, 9],
  t: 0.25,
  path: 'slerp',
  classIndex: null,
  psi: 0.7,
  threshold: 2,
  amounts: { 'sefa-1': 1.5, 'sefa-2': 0 },
};

const parse = (input: ReturnType<typeof exploreExportRequest>) => exportRequestSchema.parse(input);

describe('exploreExportRequest', () => {
  it('exports the current image with the view’s checkpoint, truncation and directions', () => {
    const request = parse(exploreExportRequest('image', parts, []));
    expect(request.kind).toBe('grid');
    if (request.kind !== 'grid') return;
    const spec = expandSource(request.source);
    expect(spec.checkpoint).toEqual({ runId: parts.runId, file: parts.file });
    expect(spec.truncation).toEqual({ psi: 0.7, threshold: 2 });
    expect(spec.directions).toEqual([{ id: 'sefa-1', amount: 1.5 }]);
    expect(spec.images).toEqual([{ seeds: [3, 9], t: 0.25, path: 'slerp', class: null }]);
  });

  it('exports the seed page as the grid the seed browser shows', () => {
    const request = parse(exploreExportRequest('page', parts, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], undefined, 6));
    if (request.kind !== 'grid') throw new Error('not a grid');
    expect(request.layout.cols).toBe(6);
    // The browser's 8 × 3 page of 24 seeds is an 8 × 3 grid, not 5 × 5 with a hole.
    const page = parse(exploreExportRequest('page', parts, Array.from({ length: 24 }, (_, i) => i), undefined, 8));
    expect(page.kind === 'grid' && page.layout.cols).toBe(8);
    expect(expandSource(request.source).images.map((i) => i.seeds)).toEqual([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [11]]);
  });

  it('exports the interpolation there and back, so the loop has no jump', () => {
    const request = parse(exploreExportRequest('interpolation', parts, []));
    if (request.kind !== 'animation') throw new Error('not an animation');
    const times = expandSource(request.source).images.map((i) => i.t);
    expect(times).toHaveLength(2 * INTERPOLATION_FRAMES - 2);
    expect(times[0]).toBe(0);
    expect(times[INTERPOLATION_FRAMES - 1]).toBe(1);
    expect(times.at(-1)).toBeCloseTo(1 / (INTERPOLATION_FRAMES - 1));
  });

  it('sweeps one direction across the frames, there and back, keeping the other amounts', () => {
    const request = parse(exploreExportRequest('sweep', { ...parts, amounts: { 'sefa-1': 1.5, 'sefa-3': -1 } }, [], 'sefa-1'));
    if (request.kind !== 'animation') throw new Error('not an animation');
    const images = expandSource(request.source).images;
    expect(images).toHaveLength(2 * SWEEP_FRAMES - 2);
    const swept = images.map((image) => image.directions!.find((d) => d.id === 'sefa-1')!.amount);
    expect([swept[0], swept[SWEEP_FRAMES - 1], swept.at(-1)! < swept[0]! + 1]).toEqual([-SWEEP_REACH, SWEEP_REACH, true]);
    expect(images.every((image) => image.directions!.some((d) => d.id === 'sefa-3' && d.amount === -1))).toBe(true);
    expect(images.every((image) => image.seeds.join() === '3,9' && image.t === 0.25)).toBe(true);
    expect(() => exploreExportRequest('sweep', parts, [])).toThrow(/Choose a direction/);
  });

  it('names each animation by what moves in it in the Gallery', () => {
    const sweep = parse(exploreExportRequest('sweep', parts, [], 'sefa-1'));
    const interpolation = parse(exploreExportRequest('interpolation', parts, []));
    const image = parse(exploreExportRequest('image', parts, []));
    expect([sweep, interpolation, image].map(exportLabel)).toEqual(['Direction sweep', 'Interpolation', 'Grid PNG']);
  });

  it('refuses an interpolation with one keyframe', () => {
    expect(() => exploreExportRequest('interpolation', { ...parts, keyframes: [3] }, [])).toThrow(/two keyframes/);
  });
});
