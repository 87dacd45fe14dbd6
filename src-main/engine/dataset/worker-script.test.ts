import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportOptions } from './options';
import { DecodePool } from './pool';
import { mnistPng } from './testing';
import { resolveWorkerEntry } from './worker-script';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-worker-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resolveWorkerEntry', () => {
  it('prefers a built .js beside the caller or one folder up, else the .ts source', async () => {
    await mkdir(join(dir, 'out', 'chunks'), { recursive: true });
    await writeFile(join(dir, 'out', 'w.js'), '');
    const entry = pathToFileURL(join(dir, 'out', 'engine.js')).href;
    const chunk = pathToFileURL(join(dir, 'out', 'chunks', 'shared.js')).href;
    expect(resolveWorkerEntry(entry, 'w')).toEqual({ url: pathToFileURL(join(dir, 'out', 'w.js')), typescript: false });
    expect(resolveWorkerEntry(chunk, 'w').url.href).toBe(pathToFileURL(join(dir, 'out', 'w.js')).href);
    const source = resolveWorkerEntry(new URL('./pool.ts', import.meta.url).href, 'decode-worker');
    expect(source.typescript).toBe(true);
    expect(() => resolveWorkerEntry(entry, 'absent')).toThrow(/Worker script "absent" not found/);
    expect(resolveWorkerEntry(entry, 'x', '/opt/app/x.js').url.href).toBe('file:///opt/app/x.js');
  });

  it('runs the decode worker from a bundle as well as from source', async () => {
    // What a build produces: the worker as a standalone ESM file with sharp left external.
    const bundled = join(dir, 'bundle', 'decode-worker.js');
    await build({
      entryPoints: [fileURLToPath(new URL('./decode-worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['sharp'],
      outfile: bundled,
      logLevel: 'silent',
    });
    // sharp resolves from the bundle's folder upwards, as it does from out/main in the app.
    await writeFile(join(dir, 'bundle', 'package.json'), JSON.stringify({ type: 'module' }));
    await mkdir(join(dir, 'bundle', 'node_modules'));
    await symlink(fileURLToPath(new URL('../../../node_modules/sharp', import.meta.url)), join(dir, 'bundle', 'node_modules', 'sharp'));
    const image = join(dir, 'digit.png');
    await writeFile(image, await mnistPng(4, 0));
    const options = parseImportOptions({ width: 28, height: 28, channels: 1 });
    for (const workerEntry of [bundled, undefined]) {
      const pool = new DecodePool(options, { size: 1, ...(workerEntry ? { workerEntry } : {}) });
      try {
        const outcome = await pool.decode(image);
        expect(outcome.ok && outcome.pixels.length).toBe(28 * 28);
      } finally {
        await pool.close();
      }
    }
  });

  it('fails fast, with a clear error, when the worker cannot start', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('sharp failed to load');");
    const pool = new DecodePool(parseImportOptions({}), { size: 2, workerEntry: broken });
    try {
      const results = await Promise.allSettled([pool.decode('/a.png'), pool.decode('/b.png'), pool.decode('/c.png')]);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason.message).toMatch(/could not start: sharp failed to load/);
      }
      await expect(pool.decode('/d.png')).rejects.toThrow(/could not start/);
    } finally {
      await pool.close();
    }
  });
});
