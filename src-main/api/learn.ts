/**
 * The Learn view: the course's 2-D playground. An MLP GAN learns a toy distribution of points
 * (a ring of Gaussians, a grid, a spiral, two moons, or a density the user draws) live, with the
 * engine's own losses and optimisers, so mode collapse, vanishing gradients and each loss's
 * behaviour show within seconds. `learnRequests` are the StudioApi channels (main forwards them to
 * the engine unchanged), `learnEvents` the frames the engine streams while it trains.
 */
import { z } from 'zod';
import type { EventSpecs, RequestSpecs } from './rpc';

export const learnDistributions = ['ring8', 'grid16', 'spiral', 'moons', 'drawn'] as const;
export type LearnDistribution = (typeof learnDistributions)[number];
export const learnLosses = ['bce', 'lsgan', 'wgan-gp', 'hinge'] as const;
export type LearnLoss = (typeof learnLosses)[number];

/** The plot's window: points live in [-LEARN_EXTENT, LEARN_EXTENT]² (the heat map covers it). */
export const LEARN_EXTENT = 2;
/** The most points a drawn density may hold. */
export const MAX_DRAWN_POINTS = 2000;
/** Cells per side of the discriminator's heat map. */
export const HEAT_SIZE = 32;

const coordinate = z.number().finite().min(-LEARN_EXTENT).max(LEARN_EXTENT);

export const learnSettingsSchema = z
  .object({
    distribution: z.enum(learnDistributions),
    /** The drawn density's points as [x0, y0, x1, y1, …] (used when distribution is 'drawn'). */
    drawn: z.array(coordinate).max(2 * MAX_DRAWN_POINTS).refine((a) => a.length % 2 === 0, 'drawn points come in x, y pairs'),
    loss: z.enum(learnLosses),
    gLr: z.number().finite().min(1e-5).max(0.05),
    dLr: z.number().finite().min(1e-5).max(0.05),
    /** Discriminator (critic) updates per generator update. */
    nCritic: z.number().int().min(1).max(10),
    zDim: z.number().int().min(1).max(16),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
  })
  .strict();
export type LearnSettings = z.infer<typeof learnSettingsSchema>;

/** Defaults chosen so that each loss's behaviour shows within seconds on the ring of 8 (README, Learn). */
export const defaultLearnSettings: LearnSettings = {
  distribution: 'ring8',
  drawn: [],
  loss: 'bce',
  gLr: 2e-3,
  dLr: 2e-3,
  nCritic: 1,
  zDim: 2,
  seed: 1,
};

export const learnStateSchema = z.object({
  settings: learnSettingsSchema,
  step: z.number().int().min(0),
  playing: z.boolean(),
});
export type LearnState = z.infer<typeof learnStateSchema>;

const values = (max: number) => z.array(z.number()).max(max);

export const learnDiagnosticsSchema = z.object({
  /** Modes holding a fair share of the generated points (ring and grid only; null otherwise). */
  modes: z.object({ covered: z.number().int().min(0), total: z.number().int().min(1) }).nullable(),
  /** Mean D output on real and generated points: a probability for BCE, a raw score otherwise. */
  dReal: z.number(),
  dFake: z.number(),
  /** Mean length of the generator loss's gradient at the generated points (vanishes when D saturates). */
  gradNorm: z.number(),
});
export type LearnDiagnostics = z.infer<typeof learnDiagnosticsSchema>;

export const learnFrameSchema = z.object({
  step: z.number().int().min(0),
  playing: z.boolean(),
  loss: z.enum(learnLosses),
  /** [x0, y0, x1, y1, …] */
  real: values(4096),
  fake: values(4096),
  /** D's output on a HEAT_SIZE² grid over the window, row-major from the top-left, scaled to [0, 1]. */
  heat: values(HEAT_SIZE * HEAT_SIZE),
  /** What the heat map's 1 means: D's probability of "real" (BCE), or its score scaled between the grid's extremes. */
  heatScale: z.object({ min: z.number(), max: z.number(), probability: z.boolean() }),
  /** [x, y, dx, dy, …]: where the generator's loss pushes each of a subset of generated points. */
  arrows: values(4 * 256),
  dLoss: z.number(),
  gLoss: z.number(),
  diagnostics: learnDiagnosticsSchema,
  /** Generator updates per second over the last frame while playing (0 when stepping by hand). */
  updatesPerSecond: z.number().min(0),
});
export type LearnFrame = z.infer<typeof learnFrameSchema>;

const empty = z.object({}).strict();

export const learnRequests = {
  /** Changes the settings; a change of distribution, loss, z size or seed starts the models afresh. */
  'learn.configure': { input: z.object({ settings: learnSettingsSchema }).strict(), output: learnStateSchema },
  /** Runs n generator updates (with nCritic critic updates each) and sends one frame. */
  'learn.step': { input: z.object({ n: z.number().int().min(1).max(500) }).strict(), output: learnStateSchema },
  'learn.play': { input: empty, output: learnStateSchema },
  'learn.pause': { input: empty, output: learnStateSchema },
  /** New random weights from the settings' seed; step 0. */
  'learn.reset': { input: empty, output: learnStateSchema },
  /** The current state, and a frame of it (null before the playground first ran). */
  'learn.state': { input: empty, output: learnStateSchema.nullable() },
} satisfies RequestSpecs;

export const learnEvents = {
  'learn.frame': learnFrameSchema,
} satisfies EventSpecs;
