import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from './import';
import { openDataset } from './shards';
import { buildFixtureFolder, mnistDigit, mnistPng, type FixtureLayout } from './testing';
import { DatasetError, type ImportProgress } from './types';
import { readManifest, writeManifest } from './manifest';
import { DECODE_RULES } from './decode';

const pool = { size: 2 };
const options = { width: 28, height: 28, channels: 3 as const, background: '#00ff00' };
let dir: string;
let source: string;
let datasetDir: string;
let layout: FixtureLayout;
let lockedIsUnreadable: boolean;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-import-'));
  source = join(dir, 'images');
  datasetDir = join(dir, 'project', 'dataset');
  layout = await buildFixtureFolder(source);
  // chmod 000 does not stop root (or CAP_DAC_OVERRIDE) from reading.
  lockedIsUnreadable = await open(join(source, layout.locked), 'r').then(
    async (fh) => (await fh.close(), false),
    () => true,
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const snapshot = async (d: string) => {
  const names = (await readdir(d)).sort();
  return Promise.all(names.map(async (n) => [n, (await readFile(join(d, n))).toString('base64')]));
};

describe('importDataset', () => {
  it('imports the good files, skips each bad one with its reason, and de-duplicates', async () => {
    const events: ImportProgress[] = [];
    const report = await importDataset(source, datasetDir, options, { pool, onProgress: (p) => events.push(p) });

    const skipped = Object.fromEntries(report.skipped.map((s) => [s.path, s.code]));
    const { [layout.locked]: lockedCode, ...others } = skipped;
    expect(others).toEqual(layout.bad);
    if (lockedIsUnreadable) expect(lockedCode).toBe('unreadable');
    else console.log(`skipping the unreadable-file assertion: running as uid ${process.getuid?.()}, chmod 000 does not deny reads`);
    expect(report.skipped.find((s) => s.path === 'threes/z-copy.png')!.reason).toBe('duplicate of threes/3-0.png');
    expect(report.imported).toBe(layout.good.length + (lockedIsUnreadable ? 0 : 1));
    expect(report.duplicates).toBe(1);
    // Everything the scan let through: good files, the bad ones only the decoder can judge, the copy.
    const decodable = Object.keys(layout.bad).filter((p) => /empty|truncated|fake|bomb|z-copy/.test(p)).length;
    expect(report.decoded).toBe(layout.good.length + decodable + (lockedIsUnreadable ? 0 : 1));
    expect(report.classes).toEqual([
      ...(lockedIsUnreadable ? [] : [{ name: 'bad', count: 1 }]),
      { name: 'colour', count: 5 },
      { name: 'sevens', count: 5 },
      { name: 'threes', count: 5 },
    ]);

    const phases = new Set(events.map((e) => e.phase));
    expect([...phases]).toEqual(['scan', 'decode', 'write', 'done']);
    const lastDecode = events.filter((e) => e.phase === 'decode').at(-1)!;
    expect(lastDecode.done).toBe(lastDecode.total);
    expect(lastDecode.imagesPerSecond).toBeGreaterThan(0);
  });

  it('stores the pixels and labels of each image', async () => {
    const ds = await openDataset(datasetDir);
    const rows = new Map(ds.manifest.files.map((r) => [r.path, r]));
    const indexOf = (path: string) => rows.get(path)!.index!;
    // A 28×28 greyscale digit at 28×28 RGB: each channel is the original byte.
    const digit = mnistDigit(7, 2);
    const stored = await ds.readImage(indexOf('sevens/7-2.png'));
    expect(Array.from(stored.filter((_, i) => i % 3 === 0))).toEqual(Array.from(digit));
    expect(ds.classNames[ds.labels[indexOf('sevens/7-2.png')]!]).toBe('sevens');
    expect(ds.labels[indexOf('top.png')]).toBe(-1);
    expect(rows.get('top.png')!.label).toBeNull();
    // Transparent half on the chosen background.
    const alpha = await ds.readImage(indexOf('colour/alpha.png'));
    expect(Array.from(alpha.subarray(3 * (14 * 28 + 25), 3 * (14 * 28 + 25) + 3))).toEqual([0, 255, 0]);
    const row = rows.get('threes/3-1.png')!;
    expect(row).toMatchObject({ status: 'ok', label: 'threes' });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.get('bad/bomb.png')).toMatchObject({ status: 'skipped', code: 'too-many-pixels' });
  });

  it('re-imports incrementally: only new or changed files are decoded', async () => {
    await writeFile(join(source, 'sevens', '7-9.png'), await mnistPng(7, 9));
    const changed = join(source, 'threes', '3-4.png');
    await writeFile(changed, await mnistPng(3, 8));
    const later = new Date(Date.now() + 5000);
    await utimes(changed, later, later);
    const report = await importDataset(source, datasetDir, options, { pool });
    expect(report.decoded).toBe(2);
    expect(report.imported).toBe(layout.good.length + 1 + (lockedIsUnreadable ? 0 : 1));
    const ds = await openDataset(datasetDir);
    const rows = new Map(ds.manifest.files.map((r) => [r.path, r]));
    const stored = await ds.readImage(rows.get('threes/3-4.png')!.index!);
    expect(Array.from(stored.filter((_, i) => i % 3 === 0))).toEqual(Array.from(mnistDigit(3, 8)));

    // Nothing changed: the shards are carried over as they are, not rewritten.
    const shard = join(datasetDir, 'shard-000.bin');
    const before = await stat(shard);
    const unchanged = await importDataset(source, datasetDir, options, { pool });
    expect([unchanged.decoded, unchanged.imported]).toEqual([0, report.imported]);
    expect((await stat(shard)).ino).toBe(before.ino);
    expect((await openDataset(datasetDir)).manifest.files.find((r) => r.path === 'threes/3-4.png')!.index).toBe(rows.get('threes/3-4.png')!.index);
  });

  it('decodes everything again over an import made under older decoder rules', async () => {
    const manifest = (await readManifest(datasetDir))!;
    expect(manifest.decodeRules).toBe(DECODE_RULES);
    const { decodeRules: _, ...older } = manifest;
    await writeManifest(datasetDir, older);
    const again = await importDataset(source, datasetDir, options, { pool });
    expect(again.reused).toBe(0);
    expect(again.decoded).toBeGreaterThan(layout.good.length);
    expect((await readManifest(datasetDir))!.decodeRules).toBe(DECODE_RULES);
  });

  it('decodes everything again when the pixel options change, and keeps only what is needed on disk', async () => {
    const grey = join(dir, 'grey', 'dataset');
    const report = await importDataset(source, grey, { ...options, channels: 1 }, { pool });
    expect(report.reused).toBe(0);
    expect((await readdir(grey)).sort()).toEqual(['manifest.json', 'mean.f32', 'shard-000.bin']);
    const again = await importDataset(source, grey, { ...options, channels: 1, labelsFromFolders: false }, { pool });
    expect(again.decoded).toBe(0);
    expect(again.classes).toEqual([]);
  });

  it('leaves the previous dataset untouched when cancelled', async () => {
    const before = await snapshot(datasetDir);
    const controller = new AbortController();
    const run = importDataset(source, datasetDir, { ...options, width: 32 }, {
      pool,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'decode' && p.done >= 1) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', name: 'AbortError' });
    expect(await snapshot(datasetDir)).toEqual(before);
    expect((await readdir(join(dir, 'project'))).sort()).toEqual(['dataset']);
  });

  it('says so clearly when no usable image is found', async () => {
    const junk = join(dir, 'junk');
    await mkdir(junk);
    await writeFile(join(junk, 'a.txt'), 'x');
    await writeFile(join(junk, 'b.png'), '');
    await writeFile(join(junk, 'c.png'), 'not a png');
    const err = await importDataset(junk, join(dir, 'junk-project', 'dataset'), options, { pool }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ code: 'no-usable-images' });
    expect((err as DatasetError).userMessage).toMatch(/No usable images found in .*junk.*3 entries: /);
    expect((err as DatasetError).skipped.map((s) => s.code)).toEqual(['not-image', 'empty', 'unsupported']);
    expect(await readdir(join(dir, 'junk-project'))).toEqual([]);

    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(importDataset(empty, join(dir, 'empty-project', 'dataset'), options)).rejects.toMatchObject({
      userMessage: expect.stringMatching(/it contains no files/),
    });
  });

  it('recovers a dataset stranded by a crash between the two renames of the swap', async () => {
    const stranded = join(dir, 'project', '.dataset.old-999999-abcd1234');
    await rename(datasetDir, stranded);
    expect((await openDataset(datasetDir)).count).toBeGreaterThan(0); // reads the backup meanwhile
    const report = await importDataset(source, datasetDir, options, { pool });
    expect(report.decoded).toBe(0); // the recovered dataset served as the previous one
    expect((await readdir(join(dir, 'project'))).sort()).toEqual(['dataset']);
    expect((await readManifest(datasetDir))!.count).toBe(report.imported);
  });
});
