import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStyleGan, styleGanImageName } from './stylegan-zip';
import { writeSyntheticDataset } from './testing';
import { zipSink } from './zip-sink';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-zip-'));
  await writeSyntheticDataset(join(dir, 'labelled'), 6, 5);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('zipSink', () => {
  it('writes a StyleGAN2-ADA dataset zip that unzips to the same PNGs and labels', async () => {
    const out = join(dir, 'dataset.zip');
    await exportStyleGan(join(dir, 'labelled'), zipSink(out));
    const entries = unzipSync(readFileSync(out));
    expect(Object.keys(entries).sort()).toEqual([...Array.from({ length: 6 }, (_, i) => styleGanImageName(i)), 'dataset.json'].sort());
    const labels = JSON.parse(strFromU8(entries['dataset.json']!)) as { labels: [string, number][] };
    expect(labels.labels).toHaveLength(6);
    expect(Buffer.from(entries[styleGanImageName(0)]!).subarray(1, 4).toString()).toBe('PNG');
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('never overwrites an existing file and leaves nothing half-written', async () => {
    const out = join(dir, 'taken.zip');
    await writeFile(out, 'keep me');
    await expect(exportStyleGan(join(dir, 'labelled'), zipSink(out))).rejects.toThrow(/already exists/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('fails with the file and what to do, not an unhandled rejection, when the zip cannot be created', async () => {
    // A regular file where the exports folder should be: open() fails with ENOTDIR, as it does
    // with EROFS or EACCES on a read-only folder (a test running as root cannot make one).
    await writeFile(join(dir, 'not-a-folder'), 'x');
    const out = join(dir, 'not-a-folder', 'dataset.zip');
    await expect(exportStyleGan(join(dir, 'labelled'), zipSink(out))).rejects.toThrow(/Could not create .*not-a-folder.*ENOTDIR.*export again/);
  });

  it('cleans up when cancelled', async () => {
    const out = join(dir, 'cancelled.zip');
    await expect(exportStyleGan(join(dir, 'labelled'), zipSink(out), { signal: AbortSignal.abort() })).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.startsWith('cancelled') || f.includes('cancelled.zip.partial'))).toEqual([]);
  });
});
