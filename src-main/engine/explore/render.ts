/**
 * Explorer renders: a SampleSpec (optionally swept along one direction) to one PNG grid, plus the
 * layout a view needs to map a click to a tile.
 */
import type { z } from 'zod';
import type { TileLayout } from '../../api/explore';
import type { exploreEngineRequests } from '../protocol/explore';
import { StudioError } from '../../api/rpc';
import { tileGrid, toBytes } from '../image/grid';
import { toPngImage } from '../image/png';
import { composeLatents, latentSpaceOf, type DirectionVectors, type GeneratorCache, type LoadedGenerator } from '../sampling';
import { sampleDiversity } from '../training/coach';
import { generateImages } from './compiled-generator';

type RenderInput = z.output<(typeof exploreEngineRequests)['explore.render']['input']>;
type Rendered = z.output<(typeof exploreEngineRequests)['explore.render']['output']>;

const PADDING = 2;
const BACKGROUND = 40;

export async function renderTiles(g: LoadedGenerator, input: RenderInput): Promise<Rendered> {
  const started = performance.now();
  const vectors: DirectionVectors = new Map(input.directions.map(({ id, vector }) => [id, Float32Array.from(vector)]));
  const { z, classes } = latentsFor(g, input, vectors);
  const n = z.length / g.zDim;
  const pixels = await generateImages(g, z, classes);
  const [h, w, c] = g.imageShape;
  const cols = Math.min(input.cols, n);
  const rows = Math.ceil(n / cols);
  // A single image is shown alone: no frame around it.
  const padding = n === 1 ? 0 : PADDING;
  const grid = tileGrid(toBytes(pixels), n, h, w, c, { rows, cols, padding, background: BACKGROUND });
  const layout: TileLayout = { count: n, rows, cols, tileWidth: w, tileHeight: h, padding };
  return {
    image: await toPngImage(grid),
    layout,
    checkpoint: { runId: g.identity.runId, file: g.identity.file, step: g.identity.step },
    elapsedMs: performance.now() - started,
    diversity: input.measureDiversity && n > 1 ? sampleDiversity(pixels, n) / Math.sqrt(h * w * c) : null,
  };
}

/**
 * The spec's one image drawn by each of `files` (checkpoints of the run, oldest first), in a row:
 * the same latent, truncation and directions over training. `generators` is a cache of its own,
 * so walking the checkpoints does not evict the generator the other renders use.
 */
export async function renderAcrossCheckpoints(generators: GeneratorCache, input: RenderInput, files: readonly string[]): Promise<Rendered> {
  const started = performance.now();
  const vectors: DirectionVectors = new Map(input.directions.map(({ id, vector }) => [id, Float32Array.from(vector)]));
  const tiles: Uint8Array[] = [];
  const steps: number[] = [];
  let shape: readonly [number, number, number] = [0, 0, 0];
  let newest: Rendered['checkpoint'] | null = null;
  for (const file of files) {
    await generators.use(input.runDir, file, async (g) => {
      const { z, classes } = latentsFor(g, { ...input, spec: { ...input.spec, checkpoint: { runId: g.identity.runId, file } } }, vectors);
      // The generator's own forward pass: compiling each checkpoint for one image would cost more
      // than it saves, and would push the interactive generator's compiled form out of its cache.
      tiles.push(toBytes(await g.generate(z, classes)));
      steps.push(g.identity.step);
      shape = g.imageShape;
      newest = { runId: g.identity.runId, file: g.identity.file, step: g.identity.step };
    });
  }
  const [h, w, c] = shape;
  const n = tiles.length;
  const all = new Uint8Array(n * h * w * c);
  tiles.forEach((tile, i) => all.set(tile, i * h * w * c));
  const grid = tileGrid(all, n, h, w, c, { rows: 1, cols: n, padding: PADDING, background: BACKGROUND });
  return {
    image: await toPngImage(grid),
    layout: { count: n, rows: 1, cols: n, tileWidth: w, tileHeight: h, padding: PADDING },
    checkpoint: newest!,
    elapsedMs: performance.now() - started,
    diversity: null,
    steps,
  };
}

/**
 * The spec's latents; with a sweep, each image repeated once per amount, that image's direction
 * amounts plus the swept one (SampleSpec's per-image amounts, as a sweep export uses them).
 */
function latentsFor(g: LoadedGenerator, input: RenderInput, vectors: DirectionVectors): { z: Float32Array; classes: number[] | undefined } {
  const { spec, sweep } = input;
  const numClasses = g.config.model.numClasses;
  const images = sweep
    ? spec.images.flatMap((image, i) =>
        sweep.amounts.map((amount) => ({
          ...image,
          directions: [...(image.directions ?? spec.directions), { id: sweep.direction, amount }],
          // Classes follow the image's place in the spec, not in the repeated list.
          class: image.class ?? (numClasses > 0 ? i % numClasses : null),
        })),
      )
    : spec.images;
  if (sweep && !vectors.has(sweep.direction)) throw new StudioError({ code: 'invalid-request', message: `Direction "${sweep.direction}" is not saved for this run.` });
  try {
    return composeLatents({ ...spec, images }, latentSpaceOf(g), vectors);
  } catch (err) {
    // Unknown directions and out-of-range classes are the request's fault, not the engine's.
    throw new StudioError({ code: 'invalid-request', message: (err as Error).message });
  }
}
