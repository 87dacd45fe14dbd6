import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { CheckpointStore } from '../project/checkpoint';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRuns, openProject } from './projects';
import { StudioService } from './studio-service';
import { scriptEngineHost } from '../test-support/engine';
import { tinyConfig } from '../engine/training/testing-config';

const temp = () => mkdtemp(join(tmpdir(), 'gan-proj-'));

describe('projects', () => {
  it('creates a project folder with project.json and runs/', async () => {
    const dir = join(await temp(), 'Digits');
    const project = await openProject(dir, { create: true });
    expect(project.name).toBe('Digits');
    expect(JSON.parse(await readFile(join(dir, 'project.json'), 'utf8'))).toMatchObject({ version: 1, name: 'Digits' });
    expect(await openProject(dir)).toEqual(project);
  });

  it('refuses a folder that is not a project, and a damaged project.json', async () => {
    const dir = await temp();
    await expect(openProject(dir)).rejects.toThrow(/not a GAN Studio project/);
    await writeFile(join(dir, 'project.json'), '{"version": 1, "na');
    await expect(openProject(dir)).rejects.toThrow(/damaged/);
  });

  it('lists runs newest first and flags damaged ones', async () => {
    const dir = await temp();
    await openProject(dir, { create: true });
    await mkdir(join(dir, 'runs', '20260101-000000-dcgan-bce-aaaa', 'checkpoints'), { recursive: true });
    await writeFile(join(dir, 'runs', '20260101-000000-dcgan-bce-aaaa', 'config.json'), JSON.stringify(tinyConfig()));
    const store = new CheckpointStore(join(dir, 'runs', '20260101-000000-dcgan-bce-aaaa', 'checkpoints'));
    await store.save({ step: 10, meta: {}, groups: {} }, { best: true });
    await store.save({ step: 20, meta: {}, groups: {} });
    // A damaged newer file is passed over: the run opens at its newest checkpoint that reads.
    await writeFile(join(dir, 'runs', '20260101-000000-dcgan-bce-aaaa', 'checkpoints', 'ckpt-000000030.gsc'), '');
    await mkdir(join(dir, 'runs', '20260202-000000-mlp-bce-bbbb'), { recursive: true });
    await writeFile(join(dir, 'runs', 'stray-file.txt'), 'x');
    const runs = await listRuns(dir);
    expect(runs.map((r) => r.runId)).toEqual(['20260202-000000-mlp-bce-bbbb', '20260101-000000-dcgan-bce-aaaa']);
    expect(runs[0]!.damaged).toMatch(/config\.json/);
    expect(runs[1]).toMatchObject({ damaged: null, lastCheckpointStep: 20, bestCheckpointStep: 10, summary: 'dcgan 28px · bce · batch 4', steps: 10, name: null });
  });

  it('renames, lists checkpoints of and deletes runs through the service', async () => {
    const service = new StudioService({ engine: scriptEngineHost('process.exit(0)'), app: { name: 'x', version: '0', mode: 'web', platform: 'linux' } });
    const dir = await temp();
    await service.openProject(dir, { create: true });
    const runId = '20260101-000000-dcgan-bce-aaaa';
    await mkdir(join(dir, 'runs', runId), { recursive: true });
    await writeFile(join(dir, 'runs', runId, 'config.json'), JSON.stringify(tinyConfig()));
    await new CheckpointStore(join(dir, 'runs', runId, 'checkpoints')).save({ step: 5, meta: {}, groups: {} });

    const renamed = await service.handle('runs.rename', { runId, name: '  thin strokes ' });
    expect(renamed).toMatchObject({ ok: true, value: { runs: [{ runId, name: 'thin strokes' }] } });
    expect(await service.handle('runs.rename', { runId, name: '' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await service.handle('runs.checkpoints', { runId })).toMatchObject({
      ok: true,
      value: { runId, config: { steps: 10 }, checkpoints: [{ file: 'ckpt-000000005.gsc', step: 5, best: false }] },
    });
    expect(await service.handle('runs.rename', { runId, name: null })).toMatchObject({ ok: true, value: { runs: [{ name: null }] } });
    const steps = [1, 2, 3].map((step) => JSON.stringify({ type: 'step', step, dLoss: 1 / step, gLoss: 2, stepMs: 10, imagesPerSecond: 400 }));
    await writeFile(join(dir, 'runs', runId, 'metrics.jsonl'), `${steps.join('\n')}\n{"type":"event","step":3,"message":"x"}\n`);
    const metrics = await service.handle('runs.metrics', { runId });
    expect(metrics).toMatchObject({ ok: true, value: { runId, config: { steps: 10 }, points: [{ step: 1, dLoss: 1 }, { step: 2, dLoss: 0.5 }, { step: 3 }] } });

    expect(await service.handle('runs.delete', { runId })).toMatchObject({ ok: true, value: { runs: [] } });
    expect(await readdir(join(dir, 'runs'))).toEqual([]);
    expect(await service.handle('runs.delete', { runId })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no run/) } });
  });

  it('finishes a delete that a crash interrupted when the project opens', async () => {
    const dir = await temp();
    await openProject(dir, { create: true });
    await mkdir(join(dir, 'runs', '.deleting-x-1', 'checkpoints'), { recursive: true });
    expect(await listRuns(dir)).toEqual([]);
    const service = new StudioService({ engine: scriptEngineHost('process.exit(0)'), app: { name: 'x', version: '0', mode: 'web', platform: 'linux' } });
    await service.openProject(dir);
    expect(await readdir(join(dir, 'runs'))).toEqual([]);
  });

  it('never opens a run outside the project through runs.open', async () => {
    const service = new StudioService({ engine: scriptEngineHost('process.exit(0)'), app: { name: 'x', version: '0', mode: 'web', platform: 'linux' } });
    await service.openProject(await temp(), { create: true });
    for (const runId of ['../../etc', '..', 'a/b', '.hidden']) {
      expect(await service.handle('runs.open', { runId })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
  });
});

describe('stale uploads', () => {
  it('removes abandoned upload folders older than the limit and keeps fresh ones', async () => {
    const { sweepStaleUploads } = await import('./projects');
    const { utimes } = await import('node:fs/promises');
    const dir = await temp();
    await mkdir(join(dir, '.uploads', 'old', 'a'), { recursive: true });
    await mkdir(join(dir, '.uploads', 'fresh'), { recursive: true });
    const past = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(dir, '.uploads', 'old'), past, past);
    expect(await sweepStaleUploads(dir)).toEqual(['old']);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(dir, '.uploads'))).toEqual(['fresh']);
  });
});

describe('symbolic links inside a project', () => {
  /** A folder outside the project with an old file and an old folder in it. */
  async function victim(): Promise<string> {
    const { utimes } = await import('node:fs/promises');
    const outside = await temp();
    await writeFile(join(outside, 'keep.txt'), 'mine');
    await mkdir(join(outside, 'folder'));
    const past = new Date(Date.now() - 3 * 3_600_000);
    for (const name of ['keep.txt', 'folder']) await utimes(join(outside, name), past, past);
    return outside;
  }

  it('the start-up sweeps never remove what a link points to', async () => {
    const { sweepStaleUploads, sweepLeftovers, sweepDeletedRuns } = await import('./projects');
    const { symlink } = await import('node:fs/promises');
    const dir = await temp();
    const outside = await victim();
    await writeFile(join(outside, 'x.tmp-123-abc123'), 'mine too');
    await mkdir(join(outside, 'samples'));
    await writeFile(join(outside, 'samples', 'grid.tmp-123-abc123'), 'and this');
    await symlink(outside, join(dir, '.uploads'));
    await mkdir(join(dir, 'runs'), { recursive: true });
    await symlink(outside, join(dir, 'runs', 'linked-run'));
    await symlink(outside, join(dir, 'exports'));
    expect(await sweepStaleUploads(dir)).toEqual([]);
    expect(await sweepLeftovers(dir)).toEqual([]);
    await sweepDeletedRuns(dir);
    expect((await readdir(outside)).sort()).toEqual(['folder', 'keep.txt', 'samples', 'x.tmp-123-abc123']);
    expect(await readdir(join(outside, 'samples'))).toEqual(['grid.tmp-123-abc123']);
    // A link inside a real .uploads is swept as a link: the link goes, its target stays.
    const other = await temp();
    await mkdir(join(other, '.uploads'));
    await symlink(outside, join(other, '.uploads', 'old-link'));
    const { lutimes } = await import('node:fs/promises');
    const past = new Date(Date.now() - 3 * 3_600_000);
    await lutimes(join(other, '.uploads', 'old-link'), past, past);
    expect(await sweepStaleUploads(other)).toEqual(['old-link']);
    expect((await readdir(outside)).length).toBe(4);
  });

  it('a linked run or export is not the project’s: not listed, not opened, renamed, annotated or downloaded', async () => {
    const { symlink } = await import('node:fs/promises');
    const dir = await temp();
    const outside = await victim();
    await mkdir(join(dir, 'runs'), { recursive: true });
    await mkdir(join(dir, 'exports'), { recursive: true });
    await symlink(outside, join(dir, 'runs', '20261206-000000-dcgan-bce-abcd'));
    await symlink(outside, join(dir, 'exports', 'evil'));
    expect(await listRuns(dir)).toEqual([]);
    const service = new StudioService({ engine: scriptEngineHost('process.exit(0)'), app: { name: 'x', version: '0', mode: 'web', platform: 'linux' } });
    await service.openProject(dir, { create: true });
    const refused = { ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/is a symbolic link: GAN Studio does not follow links inside a project/) } };
    const runId = '20261206-000000-dcgan-bce-abcd';
    expect(await service.handle('runs.rename', { runId, name: 'x' })).toMatchObject(refused);
    expect(await service.handle('runs.annotate', { runId, notes: 'x', tags: [] })).toMatchObject(refused);
    expect(await service.handle('files.download', { target: { kind: 'run', runId } })).toMatchObject(refused);
    expect(await service.handle('files.download', { target: { kind: 'export', name: 'evil' } })).toMatchObject(refused);
    expect((await readdir(outside)).sort()).toEqual(['folder', 'keep.txt']);
    // A real export whose preview is a link, and a linked export: neither read nor listed.
    await mkdir(join(dir, 'exports', 'real'), { recursive: true });
    await symlink(join(outside, 'keep.txt'), join(dir, 'exports', 'real', 'preview.png'));
    expect(await service.handle('export.preview', { name: 'real' })).toMatchObject(refused);
    const listed = (await service.handle('export.list', {})) as { ok: true; value: { exports: unknown[]; damaged: { name: string }[] } };
    expect(listed.value.damaged.map((d) => d.name)).toEqual(['real']);
    // A real run folder whose checkpoints/ or config.json is a link: not opened, not downloaded.
    const real = '20261206-000001-dcgan-bce-beef';
    await mkdir(join(dir, 'runs', real), { recursive: true });
    await symlink(outside, join(dir, 'runs', real, 'checkpoints'));
    await symlink(join(outside, 'keep.txt'), join(dir, 'runs', real, 'config.json'));
    expect(await service.handle('runs.open', { runId: real })).toMatchObject(refused);
    expect(await service.handle('files.download', { target: { kind: 'run-config', runId: real } })).toMatchObject(refused);
    // A linked datasets/ folder: no import into it, no delete through it.
    await symlink(outside, join(dir, 'datasets'));
    expect(await service.handle('dataset.delete', { dataset: 'project:folder' })).toMatchObject(refused);
    expect((await readdir(outside)).sort()).toEqual(['folder', 'keep.txt']);
  });
});
