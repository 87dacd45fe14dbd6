/**
 * Training in its own thread (thread.ts, train-worker.ts): the same run as on the engine thread,
 * the controls reach it, status answers from its snapshots, and a thread that dies fails its run
 * with the reason instead of leaving it "running".
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../dataset/testing';
import { initRuntime } from '../runtime';
import { datasetDirOf, runFiles } from '../../project/layout';
import { CheckpointStore } from '../../project/checkpoint';
import type { RunStatusShape } from '../../api/training';
import { tinyConfig } from './testing-config';
import { TrainingController, type TrainingHost } from './controller';
import { TrainingThread, trainsInThread } from './thread';
import { startEngineService } from '../service';

let project: string;

beforeAll(async () => {
  // As the worker does: the engine's kernels on the cpu backend, so both threads compute alike.
  await initRuntime('cpu', { threads: 1 });
  project = join(await mkdtemp(join(tmpdir(), 'gs-train-thread-')), 'project');
  await writeSyntheticDataset(datasetDirOf(project), 40, 8, false);
});
afterAll(() => rm(project, { recursive: true, force: true }));

const until = async (predicate: () => boolean) => {
  for (let i = 0; i < 6000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(predicate()).toBe(true);
};

/** Trains `config` to its end with `host`; the train.status events it emitted and its newest checkpoint. */
async function trainWith(make: (emit: (event: string, payload: unknown) => void) => TrainingHost, runsDir: string) {
  const statuses: RunStatusShape[] = [];
  const events = new Set<string>();
  const host = make((event, payload) => {
    events.add(event);
    if (event === 'train.status') statuses.push(payload as RunStatusShape);
  });
  const config = tinyConfig({ steps: 6, checkpointEvery: 3, sampleEvery: 3 });
  const started = await host.start(runsDir, config, 'project');
  await until(() => host.status()?.state === 'completed');
  const final = host.status()!;
  await host.shutdown();
  const store = new CheckpointStore(runFiles(join(runsDir, started.runId)).checkpoints);
  const newest = (await store.list())[0]!;
  return { started, final, statuses, events, checkpoint: await store.load(newest.file) };
}

describe('TrainingThread', () => {
  it('trains the run the engine thread trains: the same events and bit-identical weights', async () => {
    const inThread = await trainWith((emit) => new TrainingController(emit), join(project, 'runs-engine-thread'));
    const own = await trainWith((emit) => new TrainingThread(emit, { backend: 'cpu', threads: 1 }), join(project, 'runs-own-thread'));
    expect(own.started.state).toBe('running');
    expect(own.final).toMatchObject({ state: 'completed', step: 6, lastCheckpointStep: 6 });
    expect([...own.events].sort()).toEqual([...inThread.events].sort());
    expect(own.events).toContain('train.samples');
    expect(own.statuses.at(-1)?.state).toBe('completed');
    expect(own.checkpoint.step).toBe(6);
    expect(Object.keys(own.checkpoint.groups).sort()).toEqual(Object.keys(inThread.checkpoint.groups).sort());
    for (const [group, arrays] of Object.entries(inThread.checkpoint.groups)) {
      const theirs = own.checkpoint.groups[group]!;
      expect(theirs.map((a) => a.name)).toEqual(arrays.map((a) => a.name));
      arrays.forEach((a, i) => expect(Buffer.from(theirs[i]!.data.buffer).equals(Buffer.from(a.data.buffer)), `${group}/${a.name}`).toBe(true));
    }
  }, 120_000);

  it('takes pause, live parameters, resume and stop; status and the streamed dataset answer from its snapshots', async () => {
    // streamAboveBytes 1: the run reads its dataset shard by shard, so the Data view must not delete it.
    const host = new TrainingThread(() => undefined, { backend: 'cpu', threads: 1, streamAboveBytes: 1 });
    try {
      expect(host.status()).toBeNull();
      expect(await host.history()).toBeNull();
      const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, batchSize: 8, steps: 100_000, checkpointEvery: 50, sampleEvery: 1000 });
      await host.start(join(project, 'runs-controls'), config, 'project');
      // Known as soon as start answers (its snapshot came first), not a step later.
      expect(host.streamsDataset(datasetDirOf(project))).toBe(true);
      await until(() => (host.status()?.step ?? 0) >= 3);
      expect(host.streamsDataset(join(project, 'elsewhere'))).toBe(false);
      expect((await host.update({ gLr: 0.001 })).live.gLr).toBe(0.001);
      const paused = await host.control({ action: 'pause' });
      expect(paused.state).toBe('paused');
      expect(host.status()).toMatchObject({ state: 'paused', step: paused.step });
      expect((await host.history())?.runId).toBe(paused.runId);
      await host.control({ action: 'resume' });
      await until(() => (host.status()?.step ?? 0) > paused.step);
      const stopped = await host.control({ action: 'stop' });
      expect(stopped.state).toBe('stopped');
      expect(host.streamsDataset(datasetDirOf(project))).toBe(false);
      await expect(host.start(join(project, 'runs-controls'), { ...config, steps: 0 } as never, 'project')).rejects.toThrow();
    } finally {
      await host.shutdown();
    }
  }, 120_000);

  it('a thread that dies fails its live run with the reason, and says so', async () => {
    const statuses: RunStatusShape[] = [];
    const entry = new URL('../../test-support/dying-train-worker.mjs', import.meta.url);
    const host = new TrainingThread((event, payload) => event === 'train.status' && statuses.push(payload as RunStatusShape), { backend: 'cpu' }, entry);
    const call = host.start(project, tinyConfig(), 'project');
    await expect(call).rejects.toThrow(/simulated crash in the training thread.*Starting or opening a run begins a fresh one/);
    expect(host.status()).toMatchObject({ runId: 'run-1', state: 'failed', message: expect.stringMatching(/training thread stopped \(simulated crash.*\)\. The run had no checkpoint yet: start it again\./) });
    expect(statuses.at(-1)).toEqual(host.status());
    // The start never answered: there is no run folder to read a history from.
    expect(await host.history()).toBeNull();
    await host.shutdown();
  }, 60_000);

  it('a thread killed mid-run (out of memory, say) fails the run with where to resume, and its history is still read', async () => {
    const host = new TrainingThread(() => undefined, { backend: 'cpu', threads: 1 });
    try {
      const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, batchSize: 8, steps: 100_000, checkpointEvery: 5, sampleEvery: 1000 });
      const started = await host.start(join(project, 'runs-killed'), config, 'project');
      await until(() => (host.status()?.lastCheckpointStep ?? 0) >= 5);
      // As the system would end it: no error inside the thread, it is just gone.
      await (host as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread.worker.terminate();
      await until(() => host.status()?.state === 'failed');
      expect(host.status()!.message).toMatch(/training thread stopped \(its thread exited \(code 1\)\)\. Its checkpoints are kept: open the run to resume it from step \d/);
      const history = await host.history();
      expect(history).toMatchObject({ runId: started.runId, config: { steps: 100_000 } });
      expect(history!.points.length).toBeGreaterThanOrEqual(5);
    } finally {
      await host.shutdown();
    }
  }, 60_000);

  it('lets a thread whose run has ended go after a while; the run stays shown and the next one starts a fresh thread', async () => {
    const host = new TrainingThread(() => undefined, { backend: 'cpu', threads: 1 }, undefined, 300);
    const started = () => (host as unknown as { thread: { started: boolean } }).thread.started;
    try {
      const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, batchSize: 8, steps: 20, checkpointEvery: 10, sampleEvery: 1000 });
      const first = await host.start(join(project, 'runs-idle'), config, 'project');
      await until(() => host.status()?.state === 'completed');
      expect(started()).toBe(true);
      await until(() => !started());
      expect(host.status()).toMatchObject({ runId: first.runId, state: 'completed', step: 20 });
      expect((await host.history())?.points.map((p) => p.step).at(-1)).toBe(20);
      // Controls on the ended run answer with its status, as the engine thread's session does, without a thread.
      for (const action of ['pause', 'resume', 'stop', 'checkpoint'] as const) {
        expect(await host.control({ action })).toMatchObject({ runId: first.runId, state: 'completed', step: 20 });
      }
      expect(await host.update({ gLr: 1e-4 })).toMatchObject({ runId: first.runId, state: 'completed' });
      expect(started()).toBe(false);
      // A rollback reopens the run in a fresh thread at its newest checkpoint, paused.
      expect(await host.control({ action: 'rollback', lrFactor: 0.5 })).toMatchObject({ runId: first.runId, state: 'paused', step: 20 });
      expect(started()).toBe(true);
      await host.control({ action: 'stop' });
      const second = await host.start(join(project, 'runs-idle'), { ...config, steps: 1000 }, 'project');
      expect(second.runId).not.toBe(first.runId);
      await until(() => (host.status()?.step ?? 0) >= 2);
      // A live run's thread is never let go.
      await new Promise((r) => setTimeout(r, 600));
      expect(started()).toBe(true);
    } finally {
      await host.shutdown();
    }
  }, 60_000);

  it('drops malformed messages from the thread, says so, and goes on', async () => {
    const events: string[] = [];
    const logged: string[] = [];
    const error = console.error;
    console.error = (line: string) => void logged.push(line);
    const entry = new URL('../../test-support/garbage-train-worker.mjs', import.meta.url);
    const host = new TrainingThread((event) => void events.push(event), { backend: 'cpu' }, entry);
    try {
      const status = await host.start(join(project, 'runs-garbage'), tinyConfig(), 'project');
      expect(status).toMatchObject({ runId: 'run-g', state: 'running' });
      // Nothing malformed became the run's status, and the well-formed event went on.
      expect(host.status()).toBeNull();
      expect(events).toEqual(['train.metrics']);
      expect(logged.filter((line) => /training thread sent .*; dropped/.test(line))).toHaveLength(7);
    } finally {
      console.error = error;
      await host.shutdown();
    }
  }, 60_000);

  it('the engine trains in it on the CPU and says so in its backend report, unless told not to', async () => {
    const own = await startEngineService('cpu', () => undefined, { threads: 1 });
    const engineThread = await startEngineService('cpu', () => undefined, { threads: 1, trainingThread: false });
    try {
      expect(own.backend).toMatchObject({ active: 'cpu', trainingThread: true });
      expect(engineThread.backend).toMatchObject({ active: 'cpu', trainingThread: false });
    } finally {
      await Promise.all([own.shutdown(), engineThread.shutdown()]);
    }
  });

  it('is used on the CPU backends only', () => {
    expect(trainsInThread('wasm')).toBe(true);
    expect(trainsInThread('cpu')).toBe(true);
    expect(trainsInThread('webgpu')).toBe(false);
    expect(trainsInThread('tensorflow')).toBe(false);
  });
});

it('refuses a start with its reasons, and leaves no run folder behind', async () => {
  const host = new TrainingThread(() => undefined, { backend: 'cpu', threads: 1 });
  const runsDir = join(project, 'runs-refused');
  const clusters = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 3, labels: 'clusters' }, batchSize: 8, steps: 4 });
  // The reasons cross the thread with the refusal, as the Train view lists them.
  await expect(host.start(runsDir, clusters, 'project')).rejects.toMatchObject({ code: 'invalid-request', issues: [expect.stringMatching(/40 images are too few for 3 clusters/)] });
  await expect(readdir(runsDir)).rejects.toThrow(/ENOENT/);
  await host.shutdown();
}, 60_000);
