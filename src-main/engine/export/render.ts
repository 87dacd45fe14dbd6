/**
 * SampleSpec → image bytes, in bounded chunks, for every export that draws from a generator. The
 * spec is first pinned (the checkpoint file that was actually loaded, every class explicit), so a
 * sidecar names exactly what was drawn and a chunk renders the same wherever it starts.
 */
import type { LatentRecipe, SampleSpec } from '../../api/sampling';
import { toBytes } from '../image/grid';
import { renderSampleSpec, type DirectionVectors, type LoadedGenerator } from '../sampling';
import { ExportError } from './folder';
import { classCaption } from './class-names';

/** Images per generator call here: bounds memory for 50,000-image exports (a 128-px RGB chunk is ~12 MB of floats). */
export const RENDER_CHUNK = 256;

/** The spec as carried out: this checkpoint's file, and class i mod K written out where it was left open. */
export function pinSpec(spec: SampleSpec, generator: LoadedGenerator): SampleSpec {
  const k = generator.numClasses;
  if (k === 0 && spec.images.some((r) => r.class !== null)) throw new ExportError('This generator is unconditional: images cannot have a class.');
  const outside = spec.images.find((r) => r.class !== null && r.class >= k);
  if (k > 0 && outside) throw new ExportError(`Class ${outside.class} is outside this generator's classes 0…${k - 1}.`);
  return {
    ...spec,
    checkpoint: { runId: generator.identity.runId, file: generator.identity.file },
    images: k === 0 ? spec.images : spec.images.map((r, i) => ({ ...r, class: r.class ?? i % k })),
  };
}

export interface RenderedChunk {
  start: number;
  count: number;
  /** count × H × W × C bytes. */
  bytes: Uint8Array;
}

/**
 * Renders a pinned spec chunk by chunk. `between` runs before each chunk (progress, cancel, and a
 * turn of the event loop so cancel messages get in).
 */
export async function* renderChunks(
  generator: LoadedGenerator,
  spec: SampleSpec,
  directions: DirectionVectors,
  between: (done: number) => Promise<void> = async () => undefined,
  chunk = RENDER_CHUNK,
): AsyncGenerator<RenderedChunk> {
  const n = spec.images.length;
  for (let start = 0; start < n; start += chunk) {
    await between(start);
    const images = spec.images.slice(start, start + chunk);
    const { images: values } = await renderSampleSpec(generator, { ...spec, images }, directions);
    yield { start, count: images.length, bytes: toBytes(values) };
  }
  await between(n);
}

/** Every image of a (small) spec at once. */
export async function renderAll(generator: LoadedGenerator, spec: SampleSpec, directions: DirectionVectors, between?: (done: number) => Promise<void>): Promise<Uint8Array> {
  const [h, w, c] = generator.imageShape;
  const out = new Uint8Array(spec.images.length * h * w * c);
  for await (const { start, bytes } of renderChunks(generator, spec, directions, between)) out.set(bytes, start * h * w * c);
  return out;
}

/** "seed 42", "seeds 1→2 · t 0.25", "class 3", "cats"… as the layout's caption setting asks. */
export function captionOf(recipe: LatentRecipe, kind: 'none' | 'seed' | 'class' | 'seed-class', classNames: readonly string[] = []): string {
  const parts: string[] = [];
  if (kind === 'seed' || kind === 'seed-class') {
    parts.push(recipe.seeds.length === 1 ? `seed ${recipe.seeds[0]}` : `seeds ${recipe.seeds.join('→')}`);
  }
  if ((kind === 'class' || kind === 'seed-class') && recipe.class !== null) parts.push(classCaption(classNames, recipe.class));
  return parts.join(' · ');
}
