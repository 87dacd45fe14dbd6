/**
 * What the explorer exports: exactly what it shows, as SampleSpecs, so an exported image is the one
 * on screen (same checkpoint, latent, ψ, threshold, directions and class) and its sidecar reopens
 * the view.
 */
import type { ExportRequestInput } from '../../../../src-main/api/export';
import type { LatentRecipe } from '../../../../src-main/api/sampling';
import { currentRecipe, specFor, stripTimes, viewSpec, type ViewParts } from './view-state';

export type ExploreExport = 'image' | 'interpolation' | 'page' | 'sweep';

/** Frames from the first keyframe to the last; the animation plays them there and back. */
export const INTERPOLATION_FRAMES = 32;
/** A direction sweep goes from −SWEEP_REACH to +SWEEP_REACH and back (the explorer's sweep preview spans ±4). */
export const SWEEP_REACH = 4;
export const SWEEP_FRAMES = 24;

/** Zoom that makes a 28–64 px image big enough to look at in an image viewer. */
const ZOOM = 4;

/** There and back along a path of `frames` points, without repeating the turning points. */
function thereAndBack<T>(forward: readonly T[]): T[] {
  return [...forward, ...forward.slice(1, -1).reverse()];
}

const layout = (cols: number) => ({ cols, padding: cols === 1 ? 0 : 2, background: '#000000', scale: ZOOM, captions: 'none' as const });

/** One image per frame, looping as a GIF. */
function loopingGif(parts: ViewParts, images: LatentRecipe[]): ExportRequestInput {
  return {
    kind: 'animation',
    source: { from: 'spec', spec: specFor(parts, images) },
    tilesPerFrame: 1,
    layout: layout(1),
    animation: { format: 'gif', delayMs: 60, loop: true },
  };
}

/** `pageCols`: the seed browser's columns, so a page exports as the grid it shows. */
export function exploreExportRequest(kind: ExploreExport, parts: ViewParts, pageSeeds: readonly number[], direction?: string, pageCols = 8): ExportRequestInput {
  switch (kind) {
    case 'image':
      return { kind: 'grid', source: { from: 'spec', spec: viewSpec(parts) }, layout: layout(1) };
    case 'page': {
      const images = pageSeeds.map((seed) => ({ ...currentRecipe(parts), seeds: [seed], t: 0 }));
      return { kind: 'grid', source: { from: 'spec', spec: specFor(parts, images) }, layout: layout(Math.min(pageCols, images.length)) };
    }
    case 'sweep': {
      if (!direction) throw new Error('Choose a direction to sweep.');
      // The current image with one direction moving from −reach to +reach and back; the others stay put.
      const others = specFor(parts, []).directions.filter((d) => d.id !== direction);
      const amounts = thereAndBack(stripTimes(SWEEP_FRAMES).map((t) => Math.round((2 * t - 1) * SWEEP_REACH * 1000) / 1000));
      const images = amounts.map((amount) => ({ ...currentRecipe(parts), directions: [...others, { id: direction, amount }] }));
      return loopingGif(parts, images);
    }
    case 'interpolation': {
      if (parts.keyframes.length < 2) throw new Error('An interpolation needs two keyframes or more.');
      // There and back (the explorer's loop), without repeating the turning frames.
      const times = thereAndBack(stripTimes(INTERPOLATION_FRAMES));
      const images = times.map((t) => ({ ...currentRecipe({ ...parts, t }), t }));
      return loopingGif(parts, images);
    }
  }
}
