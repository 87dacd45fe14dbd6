/**
 * Main-side explore handlers: resolve run ids to project paths and saved direction ids to vectors,
 * keep only the newest render per lane on its way to the engine, and keep each run's favourites,
 * directions and saved views in <project>/explore/<runId>.json.
 */
import { readRunConfig } from '../project/run-config';
import { clusterNames } from '../api/train-config';
import { stat } from 'node:fs/promises';
import { MAX_TIMELINE_CHECKPOINTS, type exploreRequests, favouriteKey, type Favourite, type StoredDirection, type UnsupervisedMethod } from '../api/explore';
import type { SampleSpec } from '../api/sampling';
import { StudioError } from '../api/rpc';
import { LatestOnly } from './explore-lanes';
import { thinEvenly } from '../shared/thin';
import { directionIdsOf } from '../api/sampling';
import { runDataset } from '../project/run-file';
import { ExploreStore, toState, type ExploreData } from '../project/explore-store';
import type { StudioContext } from './capability';
import type { HandlersFor } from '../api/rpc';
import { listCheckpoints } from './projects';
import { runFiles } from '../project/layout';

const methodLabel: Record<UnsupervisedMethod, string> = { sefa: 'SeFa', ganspace: 'GANSpace' };

/** The run's checkpoints a render across checkpoints draws with: oldest first, thinned evenly. */
async function timelineFiles(runDir: string): Promise<string[]> {
  const files = (await listCheckpoints(runDir)).checkpoints.sort((a, b) => a.step - b.step).map((c) => c.file);
  if (files.length === 0) throw new StudioError({ code: 'invalid-request', message: 'This run has no checkpoint yet.' });
  return thinEvenly(files, MAX_TIMELINE_CHECKPOINTS);
}

export function exploreStudioHandlers(ctx: StudioContext): HandlersFor<typeof exploreRequests> {
  const lanes = new LatestOnly();
  const stores = new Map<string, ExploreStore>();

  /** The run's explorer store; refuses ids of runs the open project does not have. */
  async function storeFor(runId: string): Promise<ExploreStore> {
    const projectDir = ctx.requireProject().dir;
    const exists = await stat(runFiles(ctx.runDir(runId)).config).then(() => true, () => false);
    if (!exists) throw new StudioError({ code: 'invalid-request', message: `This project has no run ${runId}.` });
    const key = `${projectDir}\0${runId}`;
    let store = stores.get(key);
    if (!store) stores.set(key, (store = new ExploreStore(projectDir, runId)));
    return store;
  }

  async function vectorsFor(spec: SampleSpec, sweep: string | undefined): Promise<{ id: string; vector: number[] }[]> {
    const ids = new Set(directionIdsOf(spec));
    if (sweep) ids.add(sweep);
    if (ids.size === 0) return [];
    const saved = (await (await storeFor(spec.checkpoint.runId)).read()).data.directions;
    return [...ids].map((id) => ({ id, vector: find(saved, id).vector }));
  }

  /** A checkpoint reference as the engine takes it: the run's folder and the file (the newest when none). */
  const checkpointFiles = (checkpoint: { runId: string; file?: string | undefined }) => ({
    runDir: ctx.runDir(checkpoint.runId),
    ...(checkpoint.file ? { file: checkpoint.file } : {}),
  });

  const update = async (runId: string, change: (data: ExploreData) => ExploreData) => {
    const store = await storeFor(runId);
    return toState(runId, await store.update(change));
  };

  return {
    'explore.render': async ({ lane, seq, spec, cols, sweep, measureDiversity, acrossCheckpoints }) => {
      const runDir = ctx.runDir(spec.checkpoint.runId);
      const outcome = await lanes.run(lane, seq, async () =>
        ctx.engine.request('explore.render', {
          runDir,
          spec,
          cols,
          measureDiversity,
          ...(sweep ? { sweep } : {}),
          directions: await vectorsFor(spec, sweep?.direction),
          ...(acrossCheckpoints ? { acrossCheckpoints, files: await timelineFiles(runDir) } : {}),
        }),
      );
      return outcome.status === 'done' ? { status: 'rendered', lane, seq, ...outcome.value } : { status: 'superseded', lane, seq };
    },

    'explore.state': async ({ runId }) => (await storeFor(runId)).state(),

    'explore.favourite': ({ runId, seed, point, class: label, latent, favourite, note }) =>
      update(runId, (data) => {
        const key = favouriteKey({ seed, class: label, point, latent });
        const same = (f: Favourite) => favouriteKey(f) === key;
        const existing = data.favourites.find(same);
        const others = data.favourites.filter((f) => !same(f));
        if (!favourite) return { ...data, favourites: others };
        const entry: Favourite = { seed, ...(point ? { point } : {}), class: label, ...(latent ? { latent } : {}), note: note ?? existing?.note ?? '', added: existing?.added ?? new Date().toISOString() };
        return { ...data, favourites: existing ? data.favourites.map((f) => (same(f) ? entry : f)) : [...others, entry] };
      }),

    'explore.directions.compute': async ({ checkpoint, method, count }) => {
      const found = await ctx.engine.request('explore.directions.unsupervised', {
        ...checkpointFiles(checkpoint),
        method,
        count,
      });
      const { step, file } = found.checkpoint;
      // Recomputing on the same checkpoint replaces that computation's directions instead of piling up copies.
      const prefix = `${method}-${step}-`;
      const created = new Date().toISOString();
      const directions: StoredDirection[] = found.components.map((c, k) => ({
        id: `${prefix}${k + 1}`,
        name: `${methodLabel[method]} ${k + 1} (step ${step})`,
        method,
        zDim: found.zDim,
        checkpoint: { file, step },
        created,
        detail:
          method === 'sefa'
            ? `Eigenvalue ${c.score.toPrecision(3)}: ${(c.share * 100).toFixed(1)}% of what the first layer amplifies.`
            : `${(c.share * 100).toFixed(1)}% of the first layer's activation variance over sampled latents.`,
        orthogonalTo: [],
        vector: c.vector,
      }));
      return update(checkpoint.runId, (data) => ({ ...data, directions: [...data.directions.filter((d) => !d.id.startsWith(prefix)), ...directions] }));
    },

    'explore.directions.fit': async ({ checkpoint, name, positives, negatives, orthogonalTo }) => {
      const store = await storeFor(checkpoint.runId);
      const saved = (await store.read()).data.directions;
      const against = orthogonalTo.map((id) => find(saved, id).vector);
      const fit = await ctx.engine.request('explore.directions.fit', {
        ...checkpointFiles(checkpoint),
        positives,
        negatives,
        orthogonalTo: against,
      });
      return update(checkpoint.runId, (data) => {
        const direction: StoredDirection = {
          id: uniqueId(`attr-${slug(name)}`, data.directions),
          name,
          method: 'interfacegan',
          zDim: fit.zDim,
          checkpoint: { file: fit.checkpoint.file, step: fit.checkpoint.step },
          created: new Date().toISOString(),
          detail: `Boundary between ${positives.length} samples with and ${negatives.length} without; ${Math.round(fit.accuracy * 100)}% of them on their side.`,
          orthogonalTo,
          vector: fit.vector,
        };
        return { ...data, directions: [...data.directions, direction] };
      });
    },

    'explore.classes': async ({ runId }) => {
      await storeFor(runId);
      const dataset = await runDataset(ctx.runDir(runId));
      const { model } = await readRunConfig(ctx.runDir(runId));
      const summary =
        dataset === 'demo:mnist'
          ? await ctx.engine.request('dataset.demo', {})
          : (await ctx.engine.request('dataset.project', { projectDir: ctx.requireProject().dir, dataset }))?.summary;
      const labelNames = summary?.classes.map((c) => c.name) ?? [];
      return { dataset, classNames: model.labels === 'clusters' ? clusterNames(model.numClasses) : labelNames, labelNames };
    },

    'explore.nearest': async ({ spec, k }) =>
      ctx.engine.request('explore.nearest', {
        runDir: ctx.runDir(spec.checkpoint.runId),
        projectDir: ctx.requireProject().dir,
        spec,
        k,
        directions: await vectorsFor(spec, undefined),
      }),

    'explore.copies': async ({ checkpoint, samples, seed }) =>
      ctx.engine.request('explore.copies', {
        ...checkpointFiles(checkpoint),
        projectDir: ctx.requireProject().dir,
        samples,
        seed,
      }),

    'explore.project': async ({ checkpoint, source, steps, starts, featureWeight }) =>
      ctx.engine.request('explore.project', {
        ...checkpointFiles(checkpoint),
        projectDir: ctx.requireProject().dir,
        source,
        steps,
        starts,
        featureWeight,
      }),

    'explore.project.cancel': () => ctx.engine.request('explore.project.cancel', {}),

    'explore.directions.classifier': async ({ checkpoint, targetClass, keepOthers }) => {
      await storeFor(checkpoint.runId);
      const found = await ctx.engine.request('explore.directions.classifier', {
        ...checkpointFiles(checkpoint),
        projectDir: ctx.requireProject().dir,
        targetClass,
        keepOthers,
      });
      const percent = (p: number) => `${(p * 100).toFixed(0)}%`;
      return update(checkpoint.runId, (data) => {
        const direction: StoredDirection = {
          id: uniqueId(`class-${slug(found.className)}`, data.directions),
          name: `Toward “${found.className}” (step ${found.checkpoint.step})`,
          method: 'classifier',
          zDim: found.zDim,
          checkpoint: { file: found.checkpoint.file, step: found.checkpoint.step },
          created: new Date().toISOString(),
          detail: `Classifier gradients (classifier ${percent(found.classifierAccuracy)} accurate): “${found.className}” went from ${percent(found.before)} to ${percent(found.after)} on the walked samples, other classes held with weight ${keepOthers}.`,
          orthogonalTo: [],
          vector: found.vector,
        };
        return { ...data, directions: [...data.directions, direction] };
      });
    },

    'explore.directions.rename': ({ runId, id, name }) =>
      update(runId, (data) => {
        find(data.directions, id);
        return { ...data, directions: data.directions.map((d) => (d.id === id ? { ...d, name } : d)) };
      }),

    'explore.directions.delete': ({ runId, id }) =>
      update(runId, (data) => {
        find(data.directions, id);
        return { ...data, directions: data.directions.filter((d) => d.id !== id) };
      }),

    'explore.views.save': ({ name, spec }) =>
      update(spec.checkpoint.runId, (data) => ({
        ...data,
        views: [...data.views.filter((v) => v.name !== name), { name, spec, saved: new Date().toISOString() }],
      })),

    'explore.views.delete': ({ runId, name }) => update(runId, (data) => ({ ...data, views: data.views.filter((v) => v.name !== name) })),
  };
}

function find(directions: StoredDirection[], id: string): StoredDirection {
  const found = directions.find((d) => d.id === id);
  if (!found) throw new StudioError({ code: 'invalid-request', message: `Direction "${id}" is not saved for this run (deleted in another window?).` });
  return found;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'direction'
  );
}

function uniqueId(base: string, taken: StoredDirection[]): string {
  const ids = new Set(taken.map((d) => d.id));
  if (!ids.has(base)) return base;
  for (let i = 2; ; i++) if (!ids.has(`${base}-${i}`)) return `${base}-${i}`;
}
