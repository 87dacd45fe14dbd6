/**
 * Explorer renders: a SampleSpec (optionally swept along one direction) to one PNG grid, plus the
 * layout a view needs to map a click to a tile.
 */
import type { z } from 'zod';
import type { exploreEngineRequests, TileLayout } from '../../api/explore';
import { StudioError } from '../../api/rpc';
import { tileGrid, toBytes } from '../image/grid';
import { toPngImage } from '../image/png';
import { composeLatents, latentSpaceOf, type DirectionVectors, type GeneratorCache, type LoadedGenerator } from '../sampling';
import { sampleDiversity } from '../train/coach';
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
      tiles.push(toBytes(await generateImages(g, z, classes)));
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

/** The spec's latents; with a sweep, each one repeated once per amount along the sweep's direction. */
function latentsFor(g: LoadedGenerator, input: RenderInput, vectors: DirectionVectors): { z: Float32Array; classes: number[] | undefined } {
  let composed;
  try {
    composed = composeLatents(input.spec, latentSpaceOf(g), vectors);
  } catch (err) {
    // Unknown directions and out-of-range classes are the request's fault, not the engine's.
    throw new StudioError({ code: 'invalid-request', message: (err as Error).message });
  }
  if (!input.sweep) return composed;
  const { direction, amounts } = input.sweep;
  const vector = vectors.get(direction);
  if (!vector || vector.length !== g.zDim) throw new StudioError({ code: 'invalid-request', message: `Direction "${direction}" is not saved for this run.` });
  const n = composed.z.length / g.zDim;
  const z = new Float32Array(n * amounts.length * g.zDim);
  const classes: number[] = [];
  for (let i = 0; i < n; i++) {
    const base = composed.z.subarray(i * g.zDim, (i + 1) * g.zDim);
    amounts.forEach((amount, j) => {
      const row = (i * amounts.length + j) * g.zDim;
      for (let k = 0; k < g.zDim; k++) z[row + k] = base[k]! + amount * vector[k]!;
      if (composed.classes) classes.push(composed.classes[i]!);
    });
  }
  return { z, classes: composed.classes ? classes : undefined };
}
