/** `gan-studio sample` as a user runs it: repeatable, the same seeds as exports, and read-only. */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { trainTinyRunOnCpu, type TinyRun } from '../engine/sampling/testing';

const cli = fileURLToPath(new URL('./index.ts', import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args, '--backend', 'cpu'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

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
    const sampled = await runCli(['sample', '--run', run.runDir, '--out', grid, '--seed', '7', '--n', '4']);
    expect(sampled.code, sampled.stderr).toBe(0);
    const images = join(dir, 'images');
    const exported = await runCli(['export', 'images', '--run', run.runDir, '--out', images, '--seed', '7', '--n', '4']);
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
      const result = await runCli(['sample', '--run', run.runDir, '--out', out, ...extra]);
      expect(result.code, result.stderr).toBe(0);
    }
    expect((await raw(a)).data.equals((await raw(b)).data)).toBe(true);
    expect((await raw(fixedA)).data.equals((await raw(fixedB)).data)).toBe(true);
    expect(await readFile(log, 'utf8')).toBe(before.text);
    expect((await stat(log)).mtimeMs).toBe(before.mtime);
  }, 60_000);
});
