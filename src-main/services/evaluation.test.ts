/**
 * The main-side evaluation handlers that read run folders themselves (saved results, in-training
 * points) and refuse what web mode cannot do. eval.run goes through the engine: e2e/evaluate.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { appendFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluationRecord } from '../test-support/evaluation-record';
import type { EvaluationRecord } from '../api/evaluation';
import type { EngineHost } from './engine-host';
import type { StudioContext } from './capability';
import { evaluationStudioHandlers } from './evaluation';

async function project(): Promise<{ dir: string; ctx: StudioContext }> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-eval-service-'));
  const ctx: StudioContext = {
    // These handlers never reach the engine; a call would fail the test loudly.
    engine: new Proxy({}, { get: () => () => Promise.reject(new Error('engine not expected')) }) as EngineHost,
    requireProject: () => ({ name: 'p', dir, created: '' }),
    runDir: (runId) => join(dir, 'runs', runId),
    emit: () => undefined,
    projectChanged: async () => undefined,
  };
  return { dir, ctx };
}

const record = (runId: string, createdAt: string): EvaluationRecord => evaluationRecord({ runId, createdAt });

describe('evaluation studio handlers', () => {
  it('lists saved evaluations across runs, newest first, skipping torn lines', async () => {
    const { dir, ctx } = await project();
    for (const [runId, times] of [['run-a', ['2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z']], ['run-b', ['2026-01-02T00:00:00Z']]] as const) {
      await mkdir(join(dir, 'runs', runId), { recursive: true });
      for (const t of times) await appendFile(join(dir, 'runs', runId, 'evaluations.jsonl'), `${JSON.stringify(record(runId, t))}\n`);
    }
    await appendFile(join(dir, 'runs', 'run-b', 'evaluations.jsonl'), '{"id": "torn", "runId"');
    const { results } = await evaluationStudioHandlers(ctx)['eval.list']({});
    expect(results.map((r) => `${r.runId} ${r.createdAt.slice(0, 10)}`)).toEqual(['run-a 2026-01-03', 'run-b 2026-01-02', 'run-a 2026-01-01']);
    expect((await evaluationStudioHandlers(ctx)['eval.list']({ runIds: ['run-b'] })).results).toHaveLength(1);
  });

  it('reads in-training points from metrics.jsonl; a resumed run’s repeated step keeps the later line', async () => {
    const { dir, ctx } = await project();
    const runDir = join(dir, 'runs', 'run-c');
    await mkdir(runDir, { recursive: true });
    const lines = [
      { type: 'step', step: 100, dLoss: 1 },
      { type: 'eval', step: 100, metric: 'kid', value: 0.5, std: 0.1, baseline: 0.01, best: true },
      { type: 'eval', step: 200, metric: 'kid', value: 0.7, std: 0.1, baseline: 0.01, best: false },
      { type: 'eval', step: 200, metric: 'kid', value: 0.3, std: 0.1, baseline: 0.01, best: true },
      { type: 'eval', step: 300, metric: 'kid', value: null, std: null, baseline: null, best: false },
    ];
    await appendFile(join(runDir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { points } = await evaluationStudioHandlers(ctx)['eval.trainingPoints']({ runId: 'run-c' });
    expect(points.map((p) => [p.step, p.value, p.best])).toEqual([
      [100, 0.5, true],
      [200, 0.3, true],
    ]);
  });

  it('has no folder dialog in web mode, and says to give a URL instead', async () => {
    const { ctx } = await project();
    await expect(evaluationStudioHandlers(ctx)['eval.importExtractor']({ source: { kind: 'dialog' }, inputRange: '0,1' })).rejects.toThrow(/give the model\.json URL/);
    expect(await evaluationStudioHandlers(ctx)['eval.cancel']({})).toEqual({ cancelled: false });
  });
});
