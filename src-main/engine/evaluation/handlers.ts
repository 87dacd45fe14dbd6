/** The engine's evaluation request handlers: one evaluation at a time, cancellable, with progress events. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractorsInfo } from '../../api/evaluation';
import type { evaluationEngineRequests } from '../protocol/evaluation';
import { StudioError } from '../../api/rpc';
import { decodeCheckpoint } from '../../project/checkpoint/format';
import type { EngineContext } from '../capability';
import type { HandlersFor } from '../../api/rpc';
import { evaluateCheckpoint } from './evaluate';
import { savedChance } from './classifier';
import { datasetDirOf, evaluationDirOf, inceptionDirOf, runIdOf } from '../../project/layout';
import { projectDatasetRefs } from '../dataset/project-dataset';
import { DEMO_SOURCE, evalDataset } from './datasets';
import { cacheGraphModel, readSidecar } from './graph-model';

export function evaluationHandlers(ctx: EngineContext): HandlersFor<typeof evaluationEngineRequests> {
  let running: AbortController | null = null;
  return {
    'eval.checkpoint': async (input) => {
      if (running) throw new StudioError({ code: 'invalid-request', message: 'An evaluation is already running: wait for it or cancel it.' });
      const abort = new AbortController();
      running = abort;
      const runId = runIdOf(input.runDir);
      try {
        return await evaluateCheckpoint(input, {
          generators: ctx.generators,
          backend: ctx.backend.active,
          signal: abort.signal,
          onProgress: (phase, done, total, message) => ctx.emit('eval.progress', { runId, index: input.index, count: input.count, phase, done, total, message }),
        });
      } catch (err) {
        if (abort.signal.aborted) throw new StudioError({ code: 'invalid-request', message: 'Evaluation cancelled.' });
        throw err;
      } finally {
        running = null;
      }
    },
    'eval.cancel': async () => {
      running?.abort();
      return { cancelled: running !== null };
    },
    'eval.extractors': ({ projectDir }) => extractorsInfo(projectDir),
    'eval.importExtractor': async ({ projectDir, source, inputRange }) => {
      const from = 'dir' in source ? { dir: source.dir } : { url: source.url };
      try {
        await cacheGraphModel(from, inceptionDirOf(projectDir), {
          inputRange,
          onProgress: (progress) => ctx.emit('eval.modelDownload', progress),
          ...('sha256' in source && source.sha256 ? { expectedSha256: source.sha256 } : {}),
        });
      } catch (err) {
        throw new StudioError({ code: 'invalid-request', message: err instanceof Error ? err.message : String(err) });
      }
      return extractorsInfo(projectDir);
    },
  };
}

/** What the Evaluate view shows about the extractors: cached classifiers and the imported graph model. */
export async function extractorsInfo(projectDir: string): Promise<ExtractorsInfo> {
  const dir = evaluationDirOf(projectDir);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^classifier-.+\.gsc$/.test(f)).sort();
  const cached: ExtractorsInfo['classifier']['cached'] = [];
  // The cache names a classifier by its data's key; the view names it by the dataset's name.
  const names = new Map<string, string>();
  if (files.length) {
    for (const source of [DEMO_SOURCE, ...(await projectDatasetRefs(projectDir)).map((ref) => datasetDirOf(projectDir, ref))]) {
      const dataset = await evalDataset(source).catch(() => null);
      if (dataset) names.set(dataset.key, dataset.label);
    }
  }
  for (const file of files) {
    try {
      const meta = decodeCheckpoint(await readFile(join(dir, file))).state.meta as { classNames?: string[]; testAccuracy?: number; task?: 'labels' | 'rotation'; chance?: unknown };
      if (typeof meta.testAccuracy !== 'number' || !meta.classNames || !meta.task) continue;
      const key = file.replace(/^classifier-|\.gsc$/g, '');
      cached.push({ dataset: names.get(key) ?? `${key} (an earlier import)`, testAccuracy: meta.testAccuracy, classes: meta.classNames.length, task: meta.task, chance: savedChance(meta.chance) });
    } catch {
      // Damaged: it is retrained on next use.
    }
  }
  let inception: ExtractorsInfo['inception'] = { available: false, label: null, source: null, error: null };
  try {
    const sidecar = await readSidecar(inceptionDirOf(projectDir));
    if (sidecar) inception = { available: true, label: sidecar.name, source: sidecar.source, error: null };
  } catch (err) {
    inception = { ...inception, error: err instanceof Error ? err.message : String(err) };
  }
  return { classifier: { cached }, inception };
}
