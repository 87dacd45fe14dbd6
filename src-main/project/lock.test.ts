import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { lockProject } from './lock';
import { LOCK_FILE } from './layout';
import { StudioService } from '../services/studio-service';
import { scriptEngineHost } from '../test-support/engine';

const app = { name: 'GAN Studio', version: '0.0.0', mode: 'web', platform: 'linux' } as const;

function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('project lock', () => {
  it('a second opener of the project is refused and told who holds it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gs-lock-')), 'Project');
    const first = new StudioService({ engine: scriptEngineHost('process.exit(1)'), app });
    const second = new StudioService({ engine: scriptEngineHost('process.exit(1)'), app });
    await first.openProject(dir, { create: true });
    await expect(second.openProject(dir)).rejects.toThrow(new RegExp(`open in GAN Studio web mode 0\\.0\\.0 \\(process ${process.pid} on `));
    // Re-opening its own project is fine; moving to another project frees this one.
    await first.openProject(dir);
    await first.openProject(join(dir, '..', 'Other'), { create: true });
    await expect(second.openProject(dir)).resolves.toMatchObject({ dir });
  });

  it('takes over a lock left by a process that died (kill -9), and releases only its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-lock-'));
    const file = join(dir, LOCK_FILE);
    await writeFile(file, JSON.stringify({ pid: await deadPid(), host: hostname(), app: 'gan-studio train', since: 'then', token: 'x' }));
    const lock = await lockProject(dir, 'test');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, app: 'test' });
    await lock.release();
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a lock held by a live process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-lock-'));
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), app: 'gan-studio serve', since: 'now', token: 'y' }));
    await expect(lockProject(dir, 'test')).rejects.toThrow(/open in gan-studio serve \(process \d+ .*delete .*\.gan-studio\.lock/);
  });
});

describe('leftovers swept on open', () => {
  it('removes killed exports’ partial zips and killed runs’ sample temp files, nothing else', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gs-sweep-')), 'Project');
    await mkdir(join(dir, 'exports'), { recursive: true });
    await mkdir(join(dir, 'runs', 'run-1', 'samples'), { recursive: true });
    const partial = join(dir, 'exports', '.stylegan-x-20260101-000000.zip.partial-0a1b2c3d');
    const temp = join(dir, 'runs', 'run-1', 'samples', 'step-40.png.tmp-123-abcdef012345');
    const kept = [join(dir, 'exports', 'stylegan-x.zip'), join(dir, 'runs', 'run-1', 'samples', 'step-20.png')];
    for (const file of [partial, temp, ...kept]) await writeFile(file, 'x');
    const service = new StudioService({ engine: scriptEngineHost('process.exit(1)'), app });
    await service.openProject(dir, { create: true });
    await expect(stat(partial)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(temp)).rejects.toMatchObject({ code: 'ENOENT' });
    for (const file of kept) await expect(stat(file)).resolves.toBeTruthy();
  });
});
