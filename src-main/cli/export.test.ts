/** `gan-studio export` as a user runs it: a real process on a real run's files. */
import { runCli } from '../test-support/cli';
import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sidecarSchema } from '../api/export';
import { useTinyRunOnCpu } from '../test-support/tiny-run';

/** `gan-studio export …` on the cpu backend. */
const runExport = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['export', ...args, '--backend', 'cpu'], env);

const tiny = useTinyRunOnCpu();

describe('gan-studio export', () => {
  it('exports a grid, refuses to overwrite it, and makes it again from its sidecar', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-cli-export-'));
    const out = join(dir, 'digits');
    const first = await runExport(['grid', '--run', tiny.run.runDir, '--out', out, '--n', '16', '--cols', '4', '--scale', '2', '--captions', 'seed']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Exported 3 files .* to .*digits/);
    expect(await sharp(join(out, 'grid.png')).metadata()).toMatchObject({ width: 4 * 56 + 5 * 2 });
    const sidecar = sidecarSchema.parse(JSON.parse(await readFile(join(out, 'sidecar.json'), 'utf8')));
    expect(sidecar.request).toMatchObject({ kind: 'grid', layout: { cols: 4, scale: 2, captions: 'seed' } });

    const again = await runExport(['grid', '--run', tiny.run.runDir, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists.*choose another name/);

    const copy = await runExport(['--from', join(out, 'sidecar.json'), '--run', tiny.run.runDir]);
    expect(copy.code, copy.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['digits', 'digits-2']);
    expect(await readFile(join(dir, 'digits-2', 'grid.png'))).toEqual(await readFile(join(out, 'grid.png')));
  });

  it('explains options it cannot honour', async () => {
    // A machine without ffmpeg (GAN_STUDIO_FFMPEG, when set, is the only place looked at).
    const mp4 = await runExport(['animation', '--run', tiny.run.runDir, '--format', 'mp4'], { GAN_STUDIO_FFMPEG: join(tmpdir(), 'no-ffmpeg-here') });
    expect(mp4.code).toBe(1);
    expect(mp4.stderr).toMatch(/MP4 needs an ffmpeg binary/);
    const bad = await runExport(['grid', '--run', tiny.run.runDir, '--captions', 'everything', '--out', join(tmpdir(), 'never-written')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid options:\n\s+--captions: /);
  });
});
