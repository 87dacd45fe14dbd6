/**
 * Exports: sample grids, image sets, animations, HTML galleries and the generator itself, each with a sidecar.
 * `exportRequests` are the StudioApi channels (renderer → main), `exportEngineRequests` the engine's (main →
 * engine), `exportEvents` events the engine emits and main forwards to the renderer unchanged.
 *
 * An export is a folder <project>/exports/<name>/ holding its files and `sidecar.json`. The sidecar
 * keeps the whole request (with the checkpoint file pinned), so exporting
 * it again gives the same files byte for byte on the same backend.
 */
import { z } from 'zod';
import type { EventSpecs, RequestSpecs } from './rpc';
import { pngImageSchema } from './schemas';
import { checkpointRefSchema, runIdSchema } from './projects';
import { directionAmountSchema, interpolationPaths, sampleSpecSchema, seedSchema, truncationSchema, type SampleSpec } from './sampling';
import { modelConfigSchema } from './train-config';

/** A folder name inside exports/: no separators, no leading dot (temp folders), no trailing dot or space (Windows). */
export const exportNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9 _.-]{0,78}[A-Za-z0-9_-])?$/, 'use letters, digits, spaces, "-", "_" and "." (up to 80, starting with a letter or digit)');
export const exportKinds = ['grid', 'images', 'animation', 'timelapse', 'html', 'model'] as const;
export type ExportKind = (typeof exportKinds)[number];

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1a2b3c');
export const captionKinds = ['none', 'seed', 'class', 'seed-class'] as const;

/** How images are tiled: columns (rows follow from the count), spacing, colour, zoom and captions. */
export const gridLayoutSchema = z
  .object({
    cols: z.number().int().min(1).max(256),
    /** Pixels (after scaling) between tiles and around the border. */
    padding: z.number().int().min(0).max(64).default(2),
    background: colour.default('#000000'),
    /** Whole-number nearest-neighbour zoom, so a 28-px digit can fill a poster without blurring. */
    scale: z.number().int().min(1).max(16).default(1),
    captions: z.enum(captionKinds).default('none'),
  })
  .strict();
export type GridLayout = z.output<typeof gridLayoutSchema>;

export const animationFormats = ['gif', 'webp', 'mp4'] as const;
/** Why there is no MP4: said the same way by the CLI and the Gallery view. */
export const mp4Unavailable =
  'MP4 needs an ffmpeg binary, and none was found (GAN_STUDIO_FFMPEG, the ffmpeg-static npm package, or ffmpeg on the PATH): export an animated WebP or GIF instead, or install ffmpeg.';
export const animationOptionsSchema = z
  .object({
    format: z.enum(animationFormats).default('gif'),
    /** Per frame; GIF stores hundredths of a second, and browsers slow delays under 20 ms down. */
    delayMs: z.number().int().min(20).max(10_000).default(80),
    /** Play forever (true) or once. */
    loop: z.boolean().default(true),
  })
  .strict();
export type AnimationOptions = z.output<typeof animationOptionsSchema>;

const common = {
  /** Folder name in exports/; by default one is made from the kind and the checkpoint's step. */
  name: exportNameSchema.optional(),
  /** 'rename' picks a free name ("name-2"); 'fail' refuses when the folder exists. Never overwrites. */
  onExisting: z.enum(['rename', 'fail']).default('rename'),
};

const shared = {
  checkpoint: checkpointRefSchema,
  /** The conditional model's class for every image; null cycles 0…K−1 (null for unconditional models). */
  class: z.number().int().min(0).max(999).nullable().default(null),
  truncation: truncationSchema.default({ psi: 1, threshold: null }),
  directions: z.array(directionAmountSchema).max(32).default([]),
};

/**
 * Which images an export draws: a SampleSpec as is (e.g. the explorer's view), or the two recipes
 * the Gallery and the CLI use, kept compact so 50,000 images are a few bytes on the wire and in the
 * sidecar (a spec that long is megabytes, over web mode's 1 MiB message limit). expandSource turns
 * each into the SampleSpec it stands for.
 */
export const sampleSourceSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('spec'), spec: sampleSpecSchema }).strict(),
  /** Images from seeds first, first + 1, … */
  z.object({ from: z.literal('seeds'), first: seedSchema, count: z.number().int().min(1).max(50_000), ...shared }).strict(),
  /** Walks through keyframe seeds, frame after frame, one tile per walk in each frame (animations). */
  z
    .object({
      from: z.literal('walks'),
      walks: z.array(z.array(seedSchema).min(2).max(63)).min(1).max(256),
      framesPerSegment: z.number().int().min(1).max(500),
      /** Return to the first keyframe, so a looping animation has no jump. */
      closed: z.boolean().default(true),
      path: z.enum(interpolationPaths).default('slerp'),
      ...shared,
    })
    .strict()
    .refine((w) => w.walks.every((seeds) => seeds.length === w.walks[0]!.length), { message: 'every walk needs the same number of keyframes', path: ['walks'] }),
]);
export type SampleSource = z.output<typeof sampleSourceSchema>;
export type SampleSourceInput = z.input<typeof sampleSourceSchema>;

/** Images a source stands for, without building them. */
export function sourceCount(source: SampleSource): number {
  if (source.from === 'spec') return source.spec.images.length;
  if (source.from === 'seeds') return source.count;
  return walkFrames(source.walks[0]!.length, source.framesPerSegment, source.closed) * source.walks.length;
}

/** Frames of a walk through `keyframes` seeds (a closed walk leaves out its last frame: it equals the first). */
export function walkFrames(keyframes: number, framesPerSegment: number, closed: boolean): number {
  const segments = closed ? keyframes : keyframes - 1;
  return segments * framesPerSegment + (closed ? 0 : 1);
}

export function expandSource(source: SampleSource): SampleSpec {
  if (source.from === 'spec') return source.spec;
  const { checkpoint, truncation, directions } = source;
  if (source.from === 'seeds') {
    const images = Array.from({ length: source.count }, (_, i) => ({ seeds: [source.first + i], t: 0, path: 'slerp' as const, class: source.class }));
    return { version: 1, checkpoint, truncation, directions, images };
  }
  const walks = source.walks.map((seeds) => (source.closed ? [...seeds, seeds[0]!] : seeds));
  const steps = (walks[0]!.length - 1) * source.framesPerSegment;
  const frames = walkFrames(source.walks[0]!.length, source.framesPerSegment, source.closed);
  const images = [];
  for (let f = 0; f < frames; f++) for (const seeds of walks) images.push({ seeds, t: f / steps, path: source.path, class: source.class });
  return { version: 1, checkpoint, truncation, directions, images };
}

export function checkpointOfSource(source: SampleSource | SampleSourceInput): SampleSpec['checkpoint'] {
  return source.from === 'spec' ? source.spec.checkpoint : source.checkpoint;
}

const sourceOf = (max: number) =>
  sampleSourceSchema.refine((s) => sourceCount(s) <= max, `at most ${max.toLocaleString('en-US')} images`).refine((s) => s.from !== 'seeds' || s.first + s.count - 1 <= 2 ** 31 - 1, 'seeds run past 2³¹ − 1');

export const exportRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grid'), source: sourceOf(4096), layout: gridLayoutSchema, ...common }).strict(),
  z.object({ kind: z.literal('images'), source: sourceOf(50_000), ...common }).strict(),
  z
    .object({
      kind: z.literal('animation'),
      /** Frames one after another, tilesPerFrame tiles each (walks: one tile per walk). */
      source: sourceOf(20_000),
      tilesPerFrame: z.number().int().min(1).max(256).default(1),
      layout: gridLayoutSchema,
      animation: animationOptionsSchema,
      ...common,
    })
    .strict()
    .refine((r) => r.source.from !== 'walks' || r.tilesPerFrame === r.source.walks.length, { message: 'tilesPerFrame must be the number of walks', path: ['tilesPerFrame'] })
    .refine((r) => sourceCount(r.source) % r.tilesPerFrame === 0, { message: 'the image count must be a multiple of tilesPerFrame', path: ['tilesPerFrame'] })
    .refine((r) => sourceCount(r.source) / r.tilesPerFrame <= 1000, { message: 'at most 1,000 frames', path: ['source'] }),
  z
    .object({
      kind: z.literal('timelapse'),
      runId: runIdSchema,
      /** The run's sample grids are thinned evenly to at most this many frames (the first and newest kept). */
      maxFrames: z.number().int().min(2).max(1000).default(120),
      /** Stamps "step N" under each frame. */
      caption: z.boolean().default(true),
      scale: z.number().int().min(1).max(8).default(1),
      /** Grids after this step are left out (pinned in the sidecar, so a run that trains on does not change a re-export). */
      upToStep: z.number().int().nonnegative().optional(),
      animation: animationOptionsSchema,
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('html'),
      source: sourceOf(2000),
      title: z.string().trim().min(1).max(120).default('GAN Studio gallery'),
      /** Zoom of the thumbnails in the page (the images are embedded at their own size). */
      thumbnailScale: z.number().int().min(1).max(8).default(2),
      ...common,
    })
    .strict(),
  z.object({ kind: z.literal('model'), checkpoint: checkpointRefSchema, ...common }).strict(),
]);
export type ExportRequest = z.output<typeof exportRequestSchema>;
export type ExportRequestInput = z.input<typeof exportRequestSchema>;

/** The run an export draws from. */
export function runIdOfRequest(request: ExportRequest | ExportRequestInput): string {
  if ('source' in request) return checkpointOfSource(request.source).runId;
  return request.kind === 'timelapse' ? request.runId : request.checkpoint.runId;
}

export const exportFileSchema = z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string() });

/** sidecar.json: everything needed to reproduce (and to trust) an export. */
export const sidecarSchema = z.object({
  format: z.literal('gan-studio-export'),
  version: z.literal(1),
  kind: z.enum(exportKinds),
  name: z.string(),
  createdAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  /** Same backend and tfjs version: byte-identical images; another backend: equal up to float rounding. */
  engine: z.object({ backend: z.string(), tfjs: z.string() }),
  run: z.object({
    runId: z.string(),
    checkpoint: z.string().nullable(),
    step: z.number().int().nullable(),
    /** SHA-256 of the checkpoint the images came from; a re-export refuses other weights. */
    sha256: z.string().nullable(),
    ema: z.boolean().nullable(),
  }),
  model: modelConfigSchema.nullable(),
  /** One generated image: [height, width, channels]. */
  image: z.object({ width: z.number().int(), height: z.number().int(), channels: z.number().int() }).nullable(),
  /** The request as carried out: the checkpoint file pinned (and a spec's classes explicit). */
  request: exportRequestSchema,
  /** Files in the folder besides sidecar.json (the first 1,000 when there are more). */
  files: z.array(exportFileSchema),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /** SHA-256 over every file's "name sha256" line, sorted: equal digests, equal exports. */
  digest: z.string(),
  notes: z.array(z.string()),
});
export type Sidecar = z.output<typeof sidecarSchema>;

export const exportEntrySchema = z.object({
  name: z.string(),
  /** Where it is on disk, for display ("Show in folder"); never accepted back. */
  dir: z.string(),
  sidecar: sidecarSchema,
  preview: z.boolean(),
});
export type ExportEntry = z.output<typeof exportEntrySchema>;

export const exportResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('completed'), export: exportEntrySchema, elapsedMs: z.number().nonnegative() }),
  z.object({ status: z.literal('cancelled') }),
]);
export type ExportResult = z.output<typeof exportResultSchema>;

export const exportProgressSchema = z.object({
  name: z.string(),
  kind: z.enum(exportKinds),
  phase: z.enum(['load', 'render', 'encode', 'write', 'done']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type ExportProgress = z.output<typeof exportProgressSchema>;

const empty = z.object({}).strict();
const nameInput = z.object({ name: exportNameSchema }).strict();

export const exportRequests = {
  /** Renders and writes an export into <project>/exports/<name>/; progress comes as 'export.progress'. */
  'export.create': { input: exportRequestSchema, output: exportResultSchema },
  'export.cancel': { input: empty, output: z.object({ cancelled: z.boolean() }) },
  /** The project's exports, newest first, and folders there that are not readable exports. */
  'export.list': {
    input: empty,
    output: z.object({
      dir: z.string(),
      exports: z.array(exportEntrySchema),
      damaged: z.array(z.object({ name: z.string(), reason: z.string() })),
      /** Whether this machine has an ffmpeg, so MP4 can be offered. */
      mp4: z.boolean(),
    }),
  },
  /** The small preview image an export keeps beside its files. */
  'export.preview': { input: nameInput, output: z.object({ image: pngImageSchema.nullable() }) },
  /** Exports again from a sidecar into a new folder: the same files, or a clear error if the weights changed. */
  'export.again': { input: nameInput, output: exportResultSchema },
} satisfies RequestSpecs;


export const exportEvents = {
  'export.progress': exportProgressSchema,
} satisfies EventSpecs;

/** Keyframe seeds for `tiles` walks of `keyframes` seeds each: walk j uses first + j·keyframes, … + keyframes − 1. */
export function consecutiveWalks(firstSeed: number, tiles: number, keyframes: number): number[][] {
  return Array.from({ length: tiles }, (_, j) => Array.from({ length: keyframes }, (_, k) => firstSeed + j * keyframes + k));
}
