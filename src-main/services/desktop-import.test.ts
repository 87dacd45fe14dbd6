/**
 * The desktop import flow below the UI: a folder picked in the native dialog is previewed with the
 * import options, then imported — through main's services and the real engine process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../api/rpc';
import { mnistPng } from '../engine/dataset/testing';
import { sourceEngineHost } from '../test-support/engine';
import { StudioService } from './studio-service';

const engine = sourceEngineHost();
let folder: string;
let service: StudioService;

async function ok<T>(reply: Promise<Reply<unknown>>): Promise<T> {
  const r = await reply;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'gan-desktop-import-'));
  folder = join(root, 'digits');
  for (const digit of [1, 4]) {
    await mkdir(join(folder, String(digit)), { recursive: true });
    for (let k = 0; k < 3; k++) await writeFile(join(folder, String(digit), `${k}.png`), await mnistPng(digit, k));
  }
  service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0', mode: 'electron', platform: 'linux' }, chooseFolder: async () => folder });
  await engine.start();
  await service.openProject(join(root, 'Project'), { create: true });
}, 60_000);
afterAll(() => engine.stop());

describe('desktop import', () => {
  it('previews the folder chosen in the dialog with the options, then imports it', async () => {
    const options = { width: 32, height: 32, channels: 1, labelsFromFolders: true };
    const picked = await ok<{ token: string; folder: string }>(service.handle('dataset.chooseFolder', {}));
    expect(picked.folder).toBe('digits');
    const preview = await ok<{ tile: { width: number }; samples: { ok: boolean }[] }>(service.handle('dataset.preview', { source: { kind: 'dropped', token: picked.token }, options }));
    expect(preview.tile.width).toBe(32);
    expect(preview.samples.length).toBeGreaterThan(0);
    expect(preview.samples.every((s) => s.ok)).toBe(true);
    const imported = await ok<{ report: { imported: number } }>(service.handle('dataset.import', { source: { kind: 'dropped', token: picked.token }, options }));
    expect(imported.report.imported).toBe(6);
    // The token was for one import.
    const again = await service.handle('dataset.preview', { source: { kind: 'dropped', token: picked.token }, options });
    expect(again).toMatchObject({ ok: false, error: { message: /choose it again/ } });
  });
});
