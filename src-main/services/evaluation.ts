/** Main-side evaluation handlers: resolve ids to project paths, then ask the engine. */
import { readdir } from 'node:fs/promises';
import type { EvaluationRecord, evaluationRequests } from '../api/evaluation';
import { runIdSchema } from '../api/projects';
import { StudioError } from '../api/rpc';
import { readRecords } from '../project/evaluations';
import { readEvalPoints } from '../project/metrics-log';
import type { StudioContext } from './capability';
import type { HandlersFor } from '../api/rpc';
import { runFiles, runsDirOf } from '../project/layout';

export function evaluationStudioHandlers(ctx: StudioContext): HandlersFor<typeof evaluationRequests> {
  // One evaluation job at a time: the engine evaluates one checkpoint at a time anyway.
  let job: { cancelled: boolean } | null = null;
  return {
    'eval.run': async ({ checkpoints, ...settings }) => {
      if (job) throw new StudioError({ code: 'invalid-request', message: 'An evaluation is already running: wait for it or cancel it.' });
      const projectDir = ctx.requireProject().dir;
      const current = { cancelled: false };
      job = current;
      const results: EvaluationRecord[] = [];
      try {
        for (const [index, ref] of checkpoints.entries()) {
          if (current.cancelled) break;
          try {
            results.push(
              await ctx.engine.request('eval.checkpoint', { ...settings, projectDir, runDir: ctx.runDir(ref.runId), file: ref.file, index, count: checkpoints.length }),
            );
          } catch (err) {
            if (current.cancelled) break;
            throw err;
          }
        }
        return { results, cancelled: current.cancelled };
      } finally {
        job = null;
      }
    },
    'eval.cancel': async () => {
      if (!job) return { cancelled: false };
      job.cancelled = true;
      await ctx.engine.request('eval.cancel', {});
      return { cancelled: true };
    },
    'eval.list': async ({ runIds }) => {
      const runsDir = runsDirOf(ctx.requireProject().dir);
      const ids = runIds ?? (await readdir(runsDir).catch(() => [] as string[])).filter((id) => runIdSchema.safeParse(id).success);
      const results = (await Promise.all(ids.map((id) => readRecords(ctx.runDir(id))))).flat();
      return { results: results.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
    },
    'eval.trainingPoints': async ({ runId }) => ({ points: await readEvalPoints(runFiles(ctx.runDir(runId)).metrics) }),
    'eval.extractors': () => ctx.engine.request('eval.extractors', { projectDir: ctx.requireProject().dir }),
    'eval.importExtractor': async ({ source, inputRange }) => {
      const projectDir = ctx.requireProject().dir;
      if (source.kind === 'url') return ctx.engine.request('eval.importExtractor', { projectDir, source: { url: source.url, ...(source.sha256 ? { sha256: source.sha256 } : {}) }, inputRange });
      if (!ctx.chooseFolder) throw new StudioError({ code: 'invalid-request', message: 'Choosing a folder needs the desktop app; in web mode give the model.json URL instead.' });
      const dir = await ctx.chooseFolder();
      if (!dir) return null;
      return ctx.engine.request('eval.importExtractor', { projectDir, source: { dir }, inputRange });
    },
  };
}

