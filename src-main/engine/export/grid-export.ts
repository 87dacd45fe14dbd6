/** Grid PNGs and interpolation animations: tiles of generated images on a canvas, one frame or many. */
import type { ExportRequest } from '../../api/export';
import type { SampleSpec } from '../../api/sampling';
import type { RawImage } from '../image/grid';
import { encodePng } from '../image/png';
import type { DirectionVectors, LoadedGenerator } from '../sampling';
import { asRaw, background, geometry, paintTiles, type TileSource } from './canvas';
import { checkAnimationSize, encodeAnimation } from './encode';
import type { ExportJob } from './job';
import { captionOf, renderAll, renderChunks } from './render';

type Request<K extends ExportRequest['kind']> = Extract<ExportRequest, { kind: K }>;

export function tileOf(generator: LoadedGenerator): TileSource {
  const [height, width, channels] = generator.imageShape;
  return { width, height, channels };
}

/** The tiles a spec renders to: how many, their size and bytes each. */
export function tilesOf(generator: LoadedGenerator, spec: SampleSpec): { n: number; tile: TileSource; tileBytes: number } {
  const tile = tileOf(generator);
  return { n: spec.images.length, tile, tileBytes: tile.width * tile.height * tile.channels };
}

/** Reports rendering progress and yields to the job's cancel check between chunks. */
export const renderProgress = (job: ExportJob, n: number) => async (done: number) => {
  job.progress('render', done, n);
  await job.tick();
};

export async function exportGrid(
  generator: LoadedGenerator,
  spec: SampleSpec,
  request: Request<'grid'>,
  directions: DirectionVectors,
  job: ExportJob,
  classNames: readonly string[] = [],
): Promise<RawImage> {
  const { layout } = request;
  const n = spec.images.length;
  const tile = tileOf(generator);
  const captions = layout.captions === 'none' ? null : spec.images.map((r) => captionOf(r, layout.captions, classNames));
  const g = geometry(n, tile, layout, captions);
  const bytes = await renderAll(generator, spec, directions, async (done) => {
    job.progress('render', done, n);
    await job.tick();
  });
  const canvas = await background(g, layout.background, captions);
  paintTiles(canvas, g, bytes, tile, 0, n);
  job.progress('write', 0, 1);
  await job.folder.write('grid.png', [await encodePng(asRaw(canvas, g))]);
  job.progress('write', 1, 1);
  return asRaw(canvas, g);
}

/**
 * Frames of `tilesPerFrame` tiles each, painted as the chunks arrive into one stacked buffer and
 * encoded in one go (GIF and WebP encoders need every frame). The first frame is the preview.
 */
export async function exportAnimation(
  generator: LoadedGenerator,
  spec: SampleSpec,
  request: Request<'animation'>,
  directions: DirectionVectors,
  job: ExportJob,
  classNames: readonly string[] = [],
): Promise<RawImage> {
  const { layout, tilesPerFrame, animation } = request;
  const n = spec.images.length;
  const frames = n / tilesPerFrame;
  const tile = tileOf(generator);
  // Captions name each tile's walk, which is the same in every frame: drawn once, on the background.
  const captions = layout.captions === 'none' ? null : spec.images.slice(0, tilesPerFrame).map((r) => captionOf(r, layout.captions, classNames));
  const g = geometry(tilesPerFrame, tile, layout, captions);
  checkAnimationSize(g.width, g.height, g.channels, frames);
  const frameBytes = g.width * g.height * g.channels;
  const stacked = new Uint8Array(frameBytes * frames);
  const template = await background(g, layout.background, captions);
  for (let f = 0; f < frames; f++) stacked.set(template, f * frameBytes);
  const tileBytes = tile.width * tile.height * tile.channels;
  const between = async (done: number) => {
    job.progress('render', done, n);
    await job.tick();
  };
  for await (const { start, count, bytes } of renderChunks(generator, spec, directions, between)) {
    for (let k = 0; k < count; k++) {
      const i = start + k;
      const frame = stacked.subarray(Math.floor(i / tilesPerFrame) * frameBytes, (Math.floor(i / tilesPerFrame) + 1) * frameBytes);
      paintTiles(frame, g, bytes.subarray(k * tileBytes, (k + 1) * tileBytes), tile, i % tilesPerFrame, 1);
    }
  }
  job.progress('encode', 0, 1);
  await job.tick();
  const encoded = await encodeAnimation(stacked, g.width, g.height, g.channels, frames, animation);
  job.progress('write', 0, 1);
  await job.folder.write(`animation.${animation.format}`, [encoded]);
  job.note(`${frames} frames of ${g.width}×${g.height} px, ${animation.delayMs} ms each, ${animation.loop ? 'looping' : 'played once'}.`);
  return asRaw(stacked.slice(0, frameBytes), g);
}
