import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioService } from './studio-service';
import { sourceEngineHost } from '../test-support/engine';
import { preset } from '../api/training';
import { trainConfigSchema } from '../api/train-config';
import { tinyConfig } from '../engine/training/testing-config';

const engine = sourceEngineHost();
const app = { name: 'GAN Studio', version: '0', mode: 'web', platform: 'linux' } as const;
let service: StudioService;
let projectDir: string;
afterAll(() => engine.stop());

beforeAll(async () => {
  projectDir = join(await mkdtemp(join(tmpdir(), 'gan-design-')), 'project');
  service = new StudioService({ engine, app });
  await service.openProject(projectDir, { create: true });
});

const ok = async (channel: string, input: unknown) => {
  const reply = await service.handle(channel, input);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.message} ${reply.error.issues?.join('; ') ?? ''}`);
  return reply.value as any;
};
const refused = async (channel: string, input: unknown) => {
  const reply = await service.handle(channel, input);
  expect(reply.ok).toBe(false);
  return (reply as { error: { code: string; message: string; issues?: string[] } }).error;
};

describe('named configs in the project', () => {
  it('saves, lists, duplicates and deletes configs as configs/<name>.json', async () => {
    const saved = await ok('design.save', { name: 'Digits DCGAN', config: preset('dcgan') });
    expect(saved).toMatchObject({ name: 'Digits DCGAN', config: preset('dcgan') });
    // The bare config, readable by `gan-studio train --config`.
    const onDisk = JSON.parse(await readFile(join(projectDir, 'configs', 'Digits DCGAN.json'), 'utf8'));
    expect(trainConfigSchema.parse(onDisk)).toEqual(preset('dcgan'));

    expect((await refused('design.save', { name: 'digits dcgan', config: preset('mlp') })).message).toMatch(/“Digits DCGAN” already exists/);
    expect(await ok('design.save', { name: 'digits dcgan', config: preset('mlp'), replace: true })).toMatchObject({ name: 'Digits DCGAN', config: preset('mlp') });

    await ok('design.duplicate', { name: 'Digits DCGAN', as: 'Copy (2)' });
    const list = await ok('design.list', {});
    expect(list.configs.map((c: { name: string }) => c.name)).toEqual(['Copy (2)', 'Digits DCGAN']);
    expect(list.configs[0].config).toEqual(preset('mlp'));

    expect(await ok('design.delete', { name: 'copy (2)' })).toEqual({ deleted: 'Copy (2)' });
    expect((await refused('design.delete', { name: 'Copy (2)' })).message).toMatch(/no saved config named/);
    expect((await readdir(join(projectDir, 'configs'))).sort()).toEqual(['Digits DCGAN.json']);
  });

  it('refuses names that could leave configs/ or trouble a file system', async () => {
    for (const name of ['../escape', 'a/b', 'a\\b', '.hidden', 'trailing.', 'CON', 'nul.txt', '', 'x'.repeat(65)]) {
      expect((await refused('design.save', { name, config: preset('mlp') })).code).toBe('invalid-request');
    }
  });

  it('validates configs on write and on read, listing damaged files with their problems', async () => {
    const bad = { ...preset('dcgan'), batchSize: 0 };
    const error = await refused('design.save', { name: 'bad', config: bad });
    expect(error.issues).toEqual([expect.stringMatching(/^config\.batchSize: /)]);
    await writeFile(join(projectDir, 'configs', 'hand edited.json'), JSON.stringify({ ...preset('dcgan'), nCritic: 99 }));
    await writeFile(join(projectDir, 'configs', 'broken.json'), '{ not json');
    const list = await ok('design.list', {});
    expect(list.configs.map((c: { name: string }) => c.name)).toEqual(['Digits DCGAN']);
    expect(list.damaged).toEqual([
      { name: 'broken', problems: [expect.stringMatching(/JSON/)] },
      { name: 'hand edited', problems: [expect.stringMatching(/^nCritic: /)] },
    ]);
    expect((await refused('design.duplicate', { name: 'hand edited', as: 'fixed' })).message).toMatch(/not a valid training config/);
  });
});

describe('measuring a config on the engine', () => {
  it('runs real steps on the active backend, and refuses while a run trains', async () => {
    await engine.start();
    const m = await ok('design.measure', { config: tinyConfig() });
    expect(m).toMatchObject({ backend: 'wasm' });
    expect(m.msPerStep).toBeGreaterThan(0);

    // The engine applies the same review as the forms: this one would not fit the wasm heap.
    const dcgan = preset('dcgan');
    const huge = { ...dcgan, batchSize: 512, model: { ...dcgan.model, resolution: 64, channels: 3, gWidth: 64, dWidth: 64 } };
    const tooBig = await refused('design.measure', { config: huge });
    expect(tooBig.issues).toEqual([expect.stringMatching(/WebAssembly backend’s 4\.0 GiB heap/)]);

    await ok('train.start', { config: tinyConfig({ steps: 1_000_000 }), dataset: 'demo:mnist' });
    try {
      expect((await refused('design.measure', { config: tinyConfig() })).message).toMatch(/is training: measuring now would slow it down/);
    } finally {
      await ok('train.control', { action: 'stop' });
    }
  });
});
