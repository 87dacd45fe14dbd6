import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistPng } from '../engine/dataset/testing';
import { openDataset } from '../engine/dataset';

const cli = fileURLToPath(new URL('./index.ts', import.meta.url));
const run = promisify(execFile);

describe('gan-studio import', () => {
  it('imports a labelled folder into a new project and reports what it skipped', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gan-cli-import-'));
    for (const digit of [1, 2]) {
      await mkdir(join(root, 'src', String(digit)), { recursive: true });
      for (let k = 0; k < 3; k++) await writeFile(join(root, 'src', String(digit), `${k}.png`), await mnistPng(digit, k));
    }
    await writeFile(join(root, 'src', 'readme.md'), '# not an image');
    const project = join(root, 'project');
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', cli, 'import', join(root, 'src'), '--project', project, '--size', '28', '--channels', '1', '--report']);
    expect(stderr).toMatch(/Imported 6 images in 2 classes \(1 3, 2 3\)/);
    expect(stdout.trim()).toBe('readme.md\tnot-image\tnot an image (.md)');
    const dataset = await openDataset(join(project, 'dataset'));
    expect([dataset.count, dataset.width, dataset.channels, [...dataset.classNames]]).toEqual([6, 28, 1, ['1', '2']]);
    await dataset.close();

    // The imported dataset trains by the name import gave it (the folder's), though its ref is "project".
    const trained = await run(process.execPath, ['--import', 'tsx', cli, 'train', '--project', project, '--data', 'project:src', '--preset', 'mlp', '--steps', '1', '--batch', '4', '--backend', 'cpu']);
    expect(trained.stderr).toMatch(/completed at step 1/);
    const unknown = await run(process.execPath, ['--import', 'tsx', cli, 'train', '--project', project, '--data', 'project:Other Name', '--steps', '1', '--backend', 'cpu']).catch((err: { stderr: string }) => err);
    expect(unknown.stderr).toContain(`No dataset named “Other Name” in ${project}`);
  }, 120_000);

  it('refuses bad options with a readable message', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', cli, 'import', tmpdir(), '--fit', 'squash'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/Invalid options:\n\s+--fit:/),
    });
  }, 60_000);
});
