/** `gan-studio sample` as a user runs it: repeatable, the same seeds as exports, and read-only. */
import { runCli } from '../test-support/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { trainTinyRunOnCpu, type TinyRun } from '../engine/sampling/testing';

/** `gan-studio …` on the cpu backend. */
const runOnCpu = (args: string[]) => runCli([...args, '--backend', 'cpu']);

async function raw(file: string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

let run: TinyRun;
let dir: string;

beforeAll(async () => {
  run = await trainTinyRunOnCpu();
  dir = await mkdtemp(join(tmpdir(), 'gan-cli-sample-'));
}, 60_000);

describe('gan-studio sample', () => {
  it('draws seed N as `export images` does, tile for tile, byte for byte', async () => {
    const grid = join(dir, 'seven.png');
    const sampled = await runOnCpu(['sample', '--run', run.runDir, '--out', grid, '--seed', '7', '--n', '4']);
    expect(sampled.code, sampled.stderr).toBe(0);
    const images = join(dir, 'images');
    const exported = await runOnCpu(['export', 'images', '--run', run.runDir, '--out', images, '--seed', '7', '--n', '4']);
    expect(exported.code, exported.stderr).toBe(0);

    const g = await raw(grid);
    const files = (await readdir(join(images, 'images'))).sort();
    expect(files).toHaveLength(4);
    for (const [i, file] of files.entries()) {
      const tile = await raw(join(images, 'images', file));
      expect(tile.channels).toBe(g.channels);
      // A 2 × 2 grid with 2-px padding.
      const x0 = 2 + (i % 2) * (tile.width + 2);
      const y0 = 2 + Math.floor(i / 2) * (tile.height + 2);
      const cut = Buffer.alloc(tile.data.length);
      for (let y = 0; y < tile.height; y++) {
        const from = ((y0 + y) * g.width + x0) * g.channels;
        g.data.copy(cut, y * tile.width * tile.channels, from, from + tile.width * tile.channels);
      }
      expect(cut.equals(tile.data), `image ${file}`).toBe(true);
    }
  }, 60_000);

  it('repeats itself with the default seed and never writes to the run', async () => {
    const log = join(run.runDir, 'metrics.jsonl');
    const before = { text: await readFile(log, 'utf8'), mtime: (await stat(log)).mtimeMs };
    const a = join(dir, 'a.png');
    const b = join(dir, 'b.png');
    const fixedA = join(dir, 'fixed-a.png');
    const fixedB = join(dir, 'fixed-b.png');
    for (const [out, extra] of [[a, ['--n', '16']], [b, ['--n', '16']], [fixedA, []], [fixedB, []]] as const) {
      const result = await runOnCpu(['sample', '--run', run.runDir, '--out', out, ...extra]);
      expect(result.code, result.stderr).toBe(0);
    }
    expect((await raw(a)).data.equals((await raw(b)).data)).toBe(true);
    expect((await raw(fixedA)).data.equals((await raw(fixedB)).data)).toBe(true);
    expect(await readFile(log, 'utf8')).toBe(before.text);
    expect((await stat(log)).mtimeMs).toBe(before.mtime);
  }, 60_000);

  it('refuses a folder that is not a run, a run that is gone, and an --out folder that does not exist, by name', async () => {
    const project = join(dir, 'project');
    await mkdir(join(project, 'runs'), { recursive: true });
    const notRun = await runOnCpu(['sample', '--run', join(project, 'runs'), '--out', join(dir, 'x.png')]);
    expect(notRun.code).not.toBe(0);
    expect(notRun.stderr).toContain(`${join(project, 'runs')} is not a GAN Studio run`);
    const gone = await runOnCpu(['sample', '--run', join(project, 'runs', 'gone'), '--out', join(dir, 'x.png')]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(`There is no run at ${join(project, 'runs', 'gone')}`);
    const missing = join(dir, 'no-such-folder');
    const noOut = await runOnCpu(['sample', '--run', run.runDir, '--out', join(missing, 'x.png')]);
    expect(noOut.code).not.toBe(0);
    expect(noOut.stderr).toContain(`--out: the folder ${missing} does not exist`);
  }, 60_000);
});
