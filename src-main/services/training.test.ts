import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioService } from './studio-service';
import { sourceEngineHost } from '../test-support/engine';
import { tinyConfig } from '../engine/training/testing-config';

const engine = sourceEngineHost();
afterAll(() => engine.stop());

describe('training through the engine process', () => {
  it('starts a run, streams metrics, samples and status, and takes controls', async () => {
    const projectDir = await mkdtemp(join(tmpdir(), 'gan-project-'));
    const service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0', mode: 'web', platform: 'linux' } });
    const events: { event: string; payload: any }[] = [];
    service.onEvent((event, payload) => events.push({ event, payload }));
    await engine.start();
    await service.openProject(projectDir, { create: true });

    const config = tinyConfig({ steps: 4, sampleEvery: 2, checkpointEvery: 2 });
    const started = await service.handle('train.start', { config, dataset: 'demo:mnist' });
    expect(started).toMatchObject({ ok: true, value: { state: 'running', steps: 4 } });

    for (let i = 0; i < 600 && !events.some((e) => e.event === 'train.status' && e.payload.state === 'completed'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const steps = events.filter((e) => e.event === 'train.metrics').flatMap((e) => e.payload.points.map((p: { step: number }) => p.step));
    expect(steps).toEqual([1, 2, 3, 4]);
    const samples = events.filter((e) => e.event === 'train.samples');
    expect(samples.map((e) => e.payload.step)).toEqual([1, 2, 4]);
    expect(samples[0]!.payload.image.pngBase64.length).toBeGreaterThan(100);

    const runId = (started as { value: { runId: string } }).value.runId;
    const runDir = join(projectDir, 'runs', runId);
    // The runs list follows the run: its last project.changed shows the final checkpoint (step 4).
    for (let i = 0; i < 100; i++) {
      const lists = events.filter((e) => e.event === 'project.changed');
      if (lists.at(-1)?.payload.runs.find((r: { runId: string }) => r.runId === runId)?.lastCheckpointStep === 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const lastList = events.filter((e) => e.event === 'project.changed').at(-1)!.payload;
    expect(lastList.runs.find((r: { runId: string }) => r.runId === runId)).toMatchObject({ lastCheckpointStep: 4, steps: 4 });
    expect((await readdir(join(runDir, 'checkpoints'))).filter((f) => f.endsWith('.gsc')).length).toBeGreaterThan(0);

    // A finished run takes no more controls, and bad control payloads are refused before the engine.
    expect(await service.handle('train.control', { action: 'explode' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await service.handle('train.update', { gLr: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await service.handle('train.status', {})).toMatchObject({ ok: true, value: { state: 'completed', step: 4 } });

    // A window that did not watch the run gets the same curve and grids back.
    const history = await service.handle('train.history', {});
    expect(history.ok).toBe(true);
    const value = (history as { value: { runId: string; config: unknown; points: { step: number }[]; samples: { step: number }[] } }).value;
    expect(value.runId).toBe(runId);
    expect(value.config).toEqual(config);
    expect(value.points.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(value.samples.map((s) => s.step)).toEqual([1, 2, 4]);
  });
});
