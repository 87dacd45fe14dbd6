/** The engine's explore request handlers: renders and direction finding on loaded generators. */
import type { ExploreProgress } from '../../api/explore';
import type { exploreEngineRequests } from '../protocol/explore';
import { StudioError } from '../../api/rpc';
import { classifierFor } from '../evaluation/classifier';
import { evalSourceOf } from '../evaluation/datasets';
import { classifierDirection } from './classifier-direction';
import { runDataset } from '../../project/run-file';
import type { EngineContext } from '../capability';
import type { HandlersFor } from '../../api/rpc';
import { GeneratorCache, latentForSeed, latentsForSeeds, type LoadedGenerator } from '../sampling';
import { fitBoundary, ganspace, orthogonalize, sefa, type Component } from './directions';
import { activationGram, firstLayerWeight } from './first-layer';
import { renderAcrossCheckpoints, renderTiles } from './render';
import { copiesOfTraining, nearestTraining } from './memorisation';
import { projectImage } from './project-image';
import { userErrors } from '../dataset/handlers';
import { evaluationDirOf, runIdOf } from '../../project/layout';

/** Latents GANSpace samples by default: the n×n eigenproblem stays well under a second in JS. */
export const GANSPACE_SAMPLES = 512;
/** GANSpace's sample seeds start here, a fixed range so a recomputation finds the same directions. */
const GANSPACE_SEED_BASE = 1_000_000;

/** Generators kept for renders across checkpoints: a run keeps 5 checkpoints by default. */
const TIMELINE_CACHE = 6;

export function exploreHandlers(ctx: EngineContext): HandlersFor<typeof exploreEngineRequests> {
  const timeline = new GeneratorCache(TIMELINE_CACHE);
  /** The running projection: one at a time, cancellable. */
  let projecting: AbortController | null = null;
  return {
    'explore.render': (input) =>
      input.acrossCheckpoints && input.files
        ? renderAcrossCheckpoints(timeline, input, input.files)
        : ctx.generators.use(input.runDir, input.spec.checkpoint.file, (g) => renderTiles(g, input)),

    'explore.nearest': (input) => userErrors(() => ctx.generators.use(input.runDir, input.spec.checkpoint.file, (g) => nearestTraining(g, input))),
    'explore.project': async (input) => {
      if (projecting) throw new StudioError({ code: 'invalid-request', message: 'A projection is already running: wait for it or cancel it.' });
      const abort = new AbortController();
      projecting = abort;
      try {
        return await userErrors(() => ctx.generators.use(input.runDir, input.file, (g) => projectImage(ctx, g, input, abort.signal)));
      } catch (err) {
        if (abort.signal.aborted) throw new StudioError({ code: 'invalid-request', message: 'Projection cancelled.' });
        throw err;
      } finally {
        projecting = null;
      }
    },
    'explore.project.cancel': async () => {
      projecting?.abort();
      return { cancelled: projecting !== null };
    },
    'explore.copies': (input) => userErrors(() => ctx.generators.use(input.runDir, input.file, (g) => copiesOfTraining(g, input))),

    'explore.directions.unsupervised': ({ runDir, file, method, count, samples }) =>
      ctx.generators.use(runDir, file, async (g) => {
        let components: Component[];
        if (method === 'sefa') {
          const { weight, inDim, outDim } = await firstLayerWeight(g);
          components = await sefa(weight, inDim, outDim, g.zDim, count);
        } else {
          const n = samples ?? GANSPACE_SAMPLES;
          const seeds = Array.from({ length: n }, (_, i) => GANSPACE_SEED_BASE + i);
          const z = latentsForSeeds(seeds, g.zDim, g.config.model.zDistribution);
          components = await ganspace(await activationGram(g, z), z, n, g.zDim, count);
        }
        return {
          checkpoint: checkpointOf(g),
          zDim: g.zDim,
          components: components.map((c) => ({ vector: Array.from(c.vector), score: c.score, share: c.share })),
        };
      }),

    'explore.directions.fit': ({ runDir, file, positives, negatives, orthogonalTo }) =>
      ctx.generators.use(runDir, file, async (g) => {
        const latent = (seed: number) => latentForSeed(seed, g.zDim, g.config.model.zDistribution);
        if (orthogonalTo.some((v) => v.length !== g.zDim)) {
          throw new StudioError({ code: 'invalid-request', message: `A direction to stay orthogonal to does not have this generator's ${g.zDim} dimensions.` });
        }
        const boundary = fitBoundary(positives.map(latent), negatives.map(latent));
        let vector: Float64Array;
        try {
          vector = orthogonalTo.length ? orthogonalize(boundary.normal, orthogonalTo) : boundary.normal;
        } catch (err) {
          throw new StudioError({ code: 'invalid-request', message: (err as Error).message });
        }
        return { checkpoint: checkpointOf(g), zDim: g.zDim, vector: Array.from(vector), accuracy: boundary.accuracy, margin: boundary.margin };
      }),

    'explore.directions.classifier': async ({ runDir, file, projectDir, targetClass, keepOthers }) => {
      const runId = runIdOf(runDir);
      const progress = (task: ExploreProgress['task']) => (done: number, total: number) => ctx.emit('explore.progress', { runId, task, done, total });
      const dataset = await runDataset(runDir);
      // Cached beside the evaluation's (same file per dataset), so either feature trains it once.
      const classifier = await classifierFor(evalSourceOf(dataset, projectDir), {
        cacheDir: evaluationDirOf(projectDir),
        onProgress: progress('classifier-training'),
      });
      try {
        if (classifier.task !== 'labels') {
          throw new StudioError({ code: 'invalid-request', message: 'The dataset has no class labels: classifier directions need labelled images (subfolders as classes).' });
        }
        if (targetClass >= classifier.classNames.length) {
          throw new StudioError({ code: 'invalid-request', message: `The dataset has ${classifier.classNames.length} classes; there is no class ${targetClass}.` });
        }
        return await ctx.generators.use(runDir, file, async (g) => {
          const found = await classifierDirection(g, classifier, { targetClass, keepOthers, onStep: progress('classifier-walk') });
          return {
            checkpoint: checkpointOf(g),
            zDim: g.zDim,
            vector: Array.from(found.vector),
            className: classifier.classNames[targetClass]!,
            before: found.before,
            after: found.after,
            classifierAccuracy: classifier.testAccuracy,
          };
        });
      } finally {
        classifier.dispose();
      }
    },
  };
}

function checkpointOf(g: LoadedGenerator): { runId: string; file: string; step: number } {
  return { runId: g.identity.runId, file: g.identity.file, step: g.identity.step };
}
