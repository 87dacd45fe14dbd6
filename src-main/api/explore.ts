/**
 * The latent-space explorer: seeds, interpolation, truncation and directions on a run's checkpoints.
 * `exploreRequests` are the StudioApi channels (renderer → main), `exploreEngineRequests` the engine's (main →
 * engine), `exploreEvents` events the engine emits and main forwards to the renderer unchanged.
 *
 * The view state is a SampleSpec (api/sampling.ts); the renderer names runs by id, main turns them into
 * paths and resolves saved direction ids to vectors before the engine sees a request.
 */
import { z } from 'zod';
import type { EventSpecs, RequestSpecs } from './rpc';
import { checkpointRefSchema, runIdSchema } from './projects';
import { directionIdSchema, interpolationPaths, latentValuesSchema, sampleSpecSchema, seedSchema } from './sampling';
import { datasetRefSchema, pngImageSchema } from './schemas';

/** The most images one explorer render may draw (a page of the seed browser, a strip, a grid). */
export const MAX_RENDER_TILES = 64;

/**
 * A stream of renders where only the newest matters (a scrubber, a grid). The renderer numbers its
 * requests per lane; a request that a newer one of the same lane overtook while it waited is answered
 * 'superseded' instead of being drawn.
 */
export const laneSchema = z.string().regex(/^[a-z0-9][a-z0-9:-]{0,63}$/, 'not a lane name');

const amountSchema = z.number().min(-100).max(100);

/** Every image of the spec again for each amount along one direction: rows are images, columns amounts. */
export const directionSweepSchema = z
  .object({ direction: directionIdSchema, amounts: z.array(amountSchema).min(1).max(16) })
  .strict();
export type DirectionSweep = z.infer<typeof directionSweepSchema>;

export const renderShape = {
  spec: sampleSpecSchema,
  /** Tiles per row of the returned grid. */
  cols: z.number().int().min(1).max(16),
  sweep: directionSweepSchema.optional(),
  /** Also measure the images' variety (mean pairwise distance): the truncation grid's trade-off number. */
  measureDiversity: z.boolean().default(false),
  /**
   * The spec's one image as each checkpoint of the run drew it (up to MAX_TIMELINE_CHECKPOINTS,
   * spread evenly, oldest first): how that latent's picture formed over training.
   */
  acrossCheckpoints: z.boolean().default(false),
};

/** Tiles in a render across checkpoints; longer runs are thinned evenly, keeping the first and newest. */
export const MAX_TIMELINE_CHECKPOINTS = 12;

function tileCount(input: { spec: { images: unknown[] }; sweep?: { amounts: unknown[] } | undefined }): number {
  return input.spec.images.length * (input.sweep?.amounts.length ?? 1);
}
export const tilesFit = [(input: Parameters<typeof tileCount>[0]) => tileCount(input) <= MAX_RENDER_TILES, { message: `at most ${MAX_RENDER_TILES} images per render` }] as const;
export const oneImageAcross = [
  (input: { spec: { images: unknown[] }; sweep?: unknown; acrossCheckpoints?: boolean | undefined }) =>
    !input.acrossCheckpoints || (input.spec.images.length === 1 && !input.sweep),
  { message: 'a render across checkpoints shows one image, without a sweep' },
] as const;

export const renderRequestSchema = z
  .object({ lane: laneSchema, seq: z.number().int().nonnegative(), ...renderShape })
  .strict()
  .refine(...tilesFit)
  .refine(...oneImageAcross);
export type RenderRequest = z.input<typeof renderRequestSchema>;

export const tileLayoutSchema = z.object({
  count: z.number().int().positive(),
  rows: z.number().int().positive(),
  cols: z.number().int().positive(),
  tileWidth: z.number().int().positive(),
  tileHeight: z.number().int().positive(),
  /** Pixels between tiles and around the border, so a view can map a click to a tile. */
  padding: z.number().int().nonnegative(),
});
export type TileLayout = z.infer<typeof tileLayoutSchema>;

/** The checkpoint a render or a direction actually came from ("latest" resolved). */
export const checkpointUsedSchema = z.object({ runId: z.string(), file: z.string(), step: z.number().int().nonnegative() });

export const renderedSchema = z.object({
  image: pngImageSchema,
  layout: tileLayoutSchema,
  checkpoint: checkpointUsedSchema,
  /** Engine time: latents, generator, tiling and PNG encoding. */
  elapsedMs: z.number().nonnegative(),
  diversity: z.number().nonnegative().nullable(),
  /** Renders across checkpoints: the training step of each tile's checkpoint, in tile order. */
  steps: z.array(z.number().int().nonnegative()).optional(),
});
export const renderResultSchema = z.discriminatedUnion('status', [
  renderedSchema.extend({ status: z.literal('rendered'), lane: z.string(), seq: z.number().int() }),
  z.object({ status: z.literal('superseded'), lane: z.string(), seq: z.number().int() }),
]);
export type RenderResult = z.infer<typeof renderResultSchema>;

// ---- What the explorer keeps per run: favourites, directions and saved views ----

export const noteSchema = z.string().max(500);
/** A point between keyframes (an interpolation's frame): the path through `seeds` at `t`. */
export const favouritePointSchema = z
  .object({ seeds: z.array(seedSchema).min(2).max(64), t: z.number().min(0).max(1), path: z.enum(interpolationPaths) })
  .strict();
export type FavouritePoint = z.infer<typeof favouritePointSchema>;
export const favouriteSchema = z
  .object({
    /** The seed; for a point between keyframes, its first keyframe. */
    seed: seedSchema,
    /** Set when the favourite is a point on an interpolation rather than one seed. */
    point: favouritePointSchema.optional(),
    /** The class it was liked with (conditional models), else null. */
    class: z.number().int().min(0).max(999).nullable(),
    /** A projected latent in place of the seed's (the seed is the start it was found from). */
    latent: latentValuesSchema.optional(),
    note: noteSchema,
    added: z.string(),
  })
  .strict();
export type Favourite = z.infer<typeof favouriteSchema>;

/** A favourite's identity: seed, class, which point between keyframes if any (t to 1e-6), and a projected latent's values. */
export function favouriteKey(f: { seed: number; class: number | null; point?: FavouritePoint | undefined; latent?: readonly number[] | undefined }): string {
  const point = f.point ? `${f.point.path}:${f.point.seeds.join(',')}@${f.point.t.toFixed(6)}` : '';
  const latent = f.latent ? `/z:${f.latent.map((v) => v.toFixed(5)).join(',')}` : '';
  return `${f.seed}/${f.class}/${point}${latent}`;
}

export const directionMethods = ['sefa', 'ganspace', 'interfacegan', 'classifier'] as const;
export type DirectionMethod = (typeof directionMethods)[number];
export const directionNameSchema = z.string().trim().min(1).max(80);

export const directionInfoSchema = z
  .object({
    id: directionIdSchema,
    name: directionNameSchema,
    method: z.enum(directionMethods),
    zDim: z.number().int().min(2).max(512),
    /** The checkpoint it was found on; it still applies to later ones of the same run, more loosely. */
    checkpoint: z.object({ file: z.string(), step: z.number().int().nonnegative() }).strict(),
    created: z.string(),
    /** How it was found and how strong it is, in words (eigenvalue share, fit accuracy…). */
    detail: z.string().max(500),
    /** Saved directions it was made orthogonal to (Gram–Schmidt). */
    orthogonalTo: z.array(directionIdSchema).max(32),
  })
  .strict();
export type DirectionInfo = z.infer<typeof directionInfoSchema>;

/** On disk: the info plus the unit vector in z space. */
export const storedDirectionSchema = directionInfoSchema
  .extend({ vector: z.array(z.number().finite()).min(2).max(512) })
  .strict()
  .refine((d) => d.vector.length === d.zDim, { message: 'vector length differs from zDim' });
export type StoredDirection = z.infer<typeof storedDirectionSchema>;

export const viewNameSchema = z.string().trim().min(1).max(80);
export const savedViewSchema = z.object({ name: viewNameSchema, spec: sampleSpecSchema, saved: z.string() }).strict();
export type SavedView = z.infer<typeof savedViewSchema>;

export const exploreStateSchema = z.object({
  runId: z.string(),
  favourites: z.array(favouriteSchema),
  directions: z.array(directionInfoSchema),
  views: z.array(savedViewSchema),
  /** Entries (or the whole file) that could not be read: skipped, kept aside, and said here. */
  problems: z.array(z.string()),
});
export type ExploreState = z.infer<typeof exploreStateSchema>;

// ---- Memorisation: does the generator copy its training images? ----

export const MAX_NEIGHBOURS = 8;
const neighbourSchema = z.object({ row: z.number().int().nonnegative(), name: z.string(), distance: z.number().nonnegative() });
/** One image beside its nearest training images: row 1 by classifier features, row 2 by pixels (first tile: the image). */
export const nearestResultSchema = z.object({
  checkpoint: checkpointUsedSchema,
  image: pngImageSchema,
  byFeatures: z.array(neighbourSchema),
  /** Distance: RMS difference per pixel on a 0–1 scale. */
  byPixels: z.array(neighbourSchema),
  extractor: z.string(),
});
export type NearestResult = z.infer<typeof nearestResultSchema>;
/** A checkpoint's copy rate, and the closest sample/training pairs (samples on top, their nearest training images below). */
export const copiesResultSchema = z.object({
  checkpoint: checkpointUsedSchema,
  samples: z.number().int().positive(),
  rate: z.number().min(0).max(1),
  /** What real images read at the same threshold. */
  realRate: z.number().min(0).max(1),
  /** Feature distance under which a sample counts as a copy. */
  threshold: z.number().nonnegative(),
  image: pngImageSchema.nullable(),
  pairs: z.array(z.object({ seed: seedSchema, row: z.number().int().nonnegative(), name: z.string(), distance: z.number().nonnegative(), copy: z.boolean() })),
  extractor: z.string(),
});
export type CopiesResult = z.infer<typeof copiesResultSchema>;

// ---- Projection: the latent that reproduces a real image ----

/** A dropped or picked image file, at most this many bytes. */
export const MAX_PROJECTION_FILE_BYTES = 8 * 2 ** 20;
export const projectionSourceSchema = z.discriminatedUnion('kind', [
  /** An image of the run's dataset, by row (0-based). */
  z.object({ kind: z.literal('dataset'), row: z.number().int().min(0) }).strict(),
  /** An image file's bytes (PNG, JPEG, WebP, GIF…), base64; resized and converted to the generator's shape. */
  z
    .object({
      kind: z.literal('file'),
      name: z.string().min(1).max(255),
      base64: z.string().min(1).max(Math.ceil(MAX_PROJECTION_FILE_BYTES / 3) * 4, 'the image file is over 8 MB'),
    })
    .strict(),
]);
export type ProjectionSource = z.infer<typeof projectionSourceSchema>;

export const projectionSettingsShape = {
  steps: z.number().int().min(10).max(2000).default(300),
  /** Seeds optimised side by side (a conditional model tries each of them in every class). */
  starts: z.number().int().min(1).max(16).default(8),
  /** Weight of the classifier-feature loss beside the pixel loss (0: pixels only). */
  featureWeight: z.number().min(0).max(10).default(1),
};

export const projectionResultSchema = z.object({
  checkpoint: checkpointUsedSchema,
  /** What was projected ("training image 12 (class 3)", or the file's name). */
  target: z.string(),
  /** The target and its reconstruction side by side. */
  image: pngImageSchema,
  latent: latentValuesSchema,
  /** The seed the best start began from, and its class (conditional models). */
  seed: seedSchema,
  class: z.number().int().min(0).nullable(),
  /** RMS pixel error on a 0–1 scale. */
  error: z.number().nonnegative(),
  /** Feature distance relative to the target's feature size (null without a classifier). */
  featureError: z.number().nonnegative().nullable(),
  /** The RMS pixel error between the target and its nearest other training image, for scale (dataset targets only). */
  nearestError: z.number().nonnegative().nullable(),
  steps: z.number().int().positive(),
  elapsedMs: z.number().nonnegative(),
});
export type ProjectionResult = z.infer<typeof projectionResultSchema>;

export const projectionProgressSchema = z.object({
  runId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  error: z.number().nonnegative(),
  /** The target and the best reconstruction so far. */
  image: pngImageSchema,
});
export type ProjectionProgress = z.infer<typeof projectionProgressSchema>;

export const unsupervisedMethods = ['sefa', 'ganspace'] as const;
export type UnsupervisedMethod = (typeof unsupervisedMethods)[number];

const runOnly = z.object({ runId: runIdSchema }).strict();
export const seedList = z.array(seedSchema).min(2).max(500);

export const exploreRequests = {
  /** Renders a SampleSpec (the view state or a page/strip/grid built from it) as one PNG grid. */
  'explore.render': { input: renderRequestSchema, output: renderResultSchema },
  /** A run's favourites, directions (without vectors) and saved views. */
  'explore.state': { input: runOnly, output: exploreStateSchema },
  /** Adds, updates (note) or removes a favourite seed. */
  'explore.favourite': {
    input: z
      .object({
        runId: runIdSchema,
        seed: seedSchema,
        point: favouritePointSchema.optional(),
        class: z.number().int().min(0).max(999).nullable(),
        latent: latentValuesSchema.optional(),
        favourite: z.boolean(),
        note: noteSchema.optional(),
      })
      .strict()
      .refine((f) => !f.point || f.point.seeds[0] === f.seed, { message: 'a point favourite’s seed is its first keyframe' }),
    output: exploreStateSchema,
  },
  /** Unsupervised directions (SeFa, GANSpace) of a checkpoint, saved as "<method> #k"; replaces that method's earlier ones from the same checkpoint. */
  'explore.directions.compute': {
    input: z.object({ checkpoint: checkpointRefSchema, method: z.enum(unsupervisedMethods), count: z.number().int().min(1).max(16).default(5) }).strict(),
    output: exploreStateSchema,
  },
  /** InterFaceGAN: a linear boundary between seeds that have and lack an attribute; its unit normal is saved. */
  'explore.directions.fit': {
    input: z
      .object({
        checkpoint: checkpointRefSchema,
        name: directionNameSchema,
        positives: seedList,
        negatives: seedList,
        /** Saved directions to make it orthogonal to, to reduce entanglement. */
        orthogonalTo: z.array(directionIdSchema).max(32).default([]),
      })
      .strict()
      .refine((d) => !d.positives.some((s) => d.negatives.includes(s)), { message: 'a seed cannot both have and lack the attribute' }),
    output: exploreStateSchema,
  },
  /** The classes of the run's dataset: the targets a classifier-gradient direction can aim for. */
  'explore.classes': {
    input: runOnly,
    /**
     * classNames: what the generator is conditioned on (the dataset's classes, or its clusters);
     * labelNames: the dataset's own classes, which its classifier knows (directions toward a class).
     */
    output: z.object({ dataset: datasetRefSchema, classNames: z.array(z.string()), labelNames: z.array(z.string()) }),
  },
  /**
   * Classifier gradients: walks sampled z toward a class of the dataset through a classifier trained
   * on its labels (trained once per dataset and cached in <project>/evaluation), penalising change in
   * the other classes' scores; the mean step is saved as a direction.
   */
  'explore.directions.classifier': {
    input: z
      .object({
        checkpoint: checkpointRefSchema,
        targetClass: z.number().int().min(0).max(999),
        /** Weight of the penalty on the other classes' scores changing. */
        keepOthers: z.number().min(0).max(100).default(1),
      })
      .strict(),
    output: exploreStateSchema,
  },
  /** The current image beside its k nearest training images, by classifier features and by pixels. */
  'explore.nearest': {
    input: z.object({ spec: sampleSpecSchema, k: z.number().int().min(1).max(MAX_NEIGHBOURS).default(5) }).strict().refine((i) => i.spec.images.length === 1, { message: 'one image at a time' }),
    output: nearestResultSchema,
  },
  /** A checkpoint's copy rate over `samples` seeds from `seed`, with the closest pairs. */
  'explore.copies': {
    input: z.object({ checkpoint: checkpointRefSchema, samples: z.number().int().min(100).max(5000).default(1000), seed: seedSchema.default(0) }).strict(),
    output: copiesResultSchema,
  },
  /** Finds the latent whose image reproduces `source` (several starts, Adam on pixels + classifier features); progress as explore.projection events. */
  'explore.project': {
    input: z.object({ checkpoint: checkpointRefSchema, source: projectionSourceSchema, ...projectionSettingsShape }).strict(),
    output: projectionResultSchema,
  },
  /** Stops the running projection (its request then fails with "Projection cancelled."). */
  'explore.project.cancel': { input: z.object({}).strict(), output: z.object({ cancelled: z.boolean() }) },
  'explore.directions.rename': { input: z.object({ runId: runIdSchema, id: directionIdSchema, name: directionNameSchema }).strict(), output: exploreStateSchema },
  'explore.directions.delete': { input: z.object({ runId: runIdSchema, id: directionIdSchema }).strict(), output: exploreStateSchema },
  /** Saves the view state under a name in its run (same name: replaced). */
  'explore.views.save': { input: z.object({ name: viewNameSchema, spec: sampleSpecSchema }).strict(), output: exploreStateSchema },
  'explore.views.delete': { input: z.object({ runId: runIdSchema, name: viewNameSchema }).strict(), output: exploreStateSchema },
} satisfies RequestSpecs;


export const exploreProgressSchema = z.object({
  runId: z.string(),
  task: z.enum(['classifier-training', 'classifier-walk', 'projection-data']),
  done: z.number().int().nonnegative(),
  total: z.number().int().positive(),
});
export type ExploreProgress = z.infer<typeof exploreProgressSchema>;

export const exploreEvents = {
  /** Long direction computations say how far they are (the classifier trains once per dataset). */
  'explore.progress': exploreProgressSchema,
  /** A projection's best reconstruction so far, every few steps. */
  'explore.projection': projectionProgressSchema,
} satisfies EventSpecs;
