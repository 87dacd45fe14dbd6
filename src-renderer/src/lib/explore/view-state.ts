/**
 * The explorer's view state as a SampleSpec: one image (the current latent: keyframe seeds, the
 * point t on their path, the class) with the truncation and direction amounts. This is the JSON
 * users copy, paste and save, and what "Open in Explore" hands over.
 */
import type { TileLayout } from '../../../../src-main/api/explore';
import { formatIssues } from '../../../../src-main/api/rpc';
import { sampleSpecSchema, type LatentRecipe, type SampleSpec } from '../../../../src-main/api/sampling';
import type { ErrorInfo } from '../errors';

export interface ViewParts {
  runId: string;
  file: string | null;
  keyframes: readonly number[];
  t: number;
  path: LatentRecipe['path'];
  /** null for unconditional models. */
  classIndex: number | null;
  /** A projected latent in place of the first keyframe's seed (null: the seed's own). */
  latent: readonly number[] | null;
  psi: number;
  threshold: number | null;
  /** Amounts by direction id; zeros are left out of the spec. */
  amounts: Readonly<Record<string, number>>;
}

export const MAX_KEYFRAMES = 64;

/** The recipe of the current latent. With one keyframe t means nothing and is stored as 0. */
export function currentRecipe(v: ViewParts): LatentRecipe {
  return {
    seeds: [...v.keyframes],
    t: v.keyframes.length > 1 ? clamp01(v.t) : 0,
    path: v.path,
    class: v.classIndex,
    ...(v.latent ? { latent: [...v.latent] } : {}),
  };
}

/** A spec for `images` under the view's checkpoint, truncation and directions. */
export function specFor(v: ViewParts, images: LatentRecipe[]): SampleSpec {
  return {
    version: 1,
    checkpoint: { runId: v.runId, ...(v.file ? { file: v.file } : {}) },
    truncation: { psi: v.psi, threshold: v.threshold },
    directions: Object.entries(v.amounts)
      .filter(([, amount]) => amount !== 0)
      .slice(0, 32)
      .map(([id, amount]) => ({ id, amount })),
    images,
  };
}

export function viewSpec(v: ViewParts): SampleSpec {
  return specFor(v, [currentRecipe(v)]);
}

/** The view parts a spec describes (its first image is the current latent). */
export function partsFromSpec(spec: SampleSpec): ViewParts {
  const first = spec.images[0]!;
  return {
    runId: spec.checkpoint.runId,
    file: spec.checkpoint.file ?? null,
    keyframes: [...first.seeds],
    t: first.t,
    path: first.path,
    classIndex: first.class,
    latent: first.latent ?? null,
    psi: spec.truncation.psi,
    threshold: spec.truncation.threshold,
    amounts: Object.fromEntries(spec.directions.map((d) => [d.id, d.amount])),
  };
}

/** Parses pasted or saved JSON into a spec, or says what is wrong with it. */
export function parseSpecText(text: string): { ok: true; spec: SampleSpec } | { ok: false; error: ErrorInfo } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: { message: `That is not JSON: ${(err as Error).message}`, issues: [] } };
  }
  const parsed = sampleSpecSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: { message: 'That JSON is not an explorer view (a SampleSpec).', issues: formatIssues(parsed.error) } };
  return { ok: true, spec: parsed.data };
}

/** Seeds shown on a page of the seed browser. */
export function pageSeeds(page: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => page * size + i);
}

/** Evenly spaced points along the path, both ends included. */
export function stripTimes(frames: number): number[] {
  return Array.from({ length: frames }, (_, i) => (frames === 1 ? 0 : i / (frames - 1)));
}

/** Tile i of a grid image, in percent of the image, for placing a button over it. */
export function tileRect(layout: TileLayout, i: number): { left: number; top: number; width: number; height: number } {
  const width = layout.cols * layout.tileWidth + (layout.cols + 1) * layout.padding;
  const height = layout.rows * layout.tileHeight + (layout.rows + 1) * layout.padding;
  const col = i % layout.cols;
  const row = Math.floor(i / layout.cols);
  return {
    left: ((layout.padding + col * (layout.tileWidth + layout.padding)) / width) * 100,
    top: ((layout.padding + row * (layout.tileHeight + layout.padding)) / height) * 100,
    width: (layout.tileWidth / width) * 100,
    height: (layout.tileHeight / height) * 100,
  };
}

/** Advances a looping scrubber: ping-pong between 0 and 1 at `speed` passes per second. */
export function advanceLoop(t: number, forward: boolean, speed: number, seconds: number): { t: number; forward: boolean } {
  let next = t + (forward ? 1 : -1) * speed * seconds;
  let dir = forward;
  // A long frame (a background tab) may cross both ends; fold until inside.
  for (let i = 0; i < 8 && (next > 1 || next < 0); i++) {
    if (next > 1) next = 2 - next;
    else next = -next;
    dir = !dir;
  }
  return { t: clamp01(next), forward: dir };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
