/**
 * The CLI commands that write into a project take its lock (issue #14 item 14): while the app,
 * web mode or another command holds it they stop before writing anything, naming the holder.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { preset } from '../api/training';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { holdProjectLock, lockProject } from '../project/lock';
import { LOCK_FILE } from '../project/layout';
import { train } from './train';
import { importFolder } from './import';
import { exportCommand } from './export';
import { evaluate } from './eval';
import { sample } from './sample';

const holderText = new RegExp(`open in GAN Studio app 9\\.9\\.9 \\(process ${process.pid} on ${hostname().replace(/[.]/g, '\\.')}, since .*\\): close it there first`);

describe('CLI commands and the project lock', () => {
  it('train, import, export, eval and sample refuse a project another process holds, naming it, and write nothing', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gs-cli-lock-')), 'Project');
    const runDir = join(dir, 'runs', 'run-1');
    await mkdir(runDir, { recursive: true });
    // A run folder as training leaves it (config.json), so each command gets as far as the lock.
    await writeFile(join(runDir, 'config.json'), JSON.stringify(preset('dcgan')));
    const lock = await lockProject(dir, 'GAN Studio app 9.9.9');
    try {
      const commands: [string, () => Promise<void>][] = [
        ['train', () => train(['--project', dir, '--steps', '1', '--backend', 'cpu'])],
        ['train --resume', () => train(['--resume', runDir, '--backend', 'cpu'])],
        ['import', () => importFolder([join(dir, '..'), '--project', dir])],
        ['export', () => exportCommand(['grid', '--run', runDir, '--backend', 'cpu'])],
        ['eval', () => evaluate(['--run', runDir, '--backend', 'cpu'])],
        ['sample', () => sample(['--run', runDir, '--out', join(dir, 'grid.png'), '--backend', 'cpu'])],
      ];
      for (const [name, run] of commands) await expect(run(), name).rejects.toThrow(holderText);
      // Nothing was created beside the holder's lock and the run folder made above.
      expect((await readdir(dir)).sort()).toEqual([LOCK_FILE, 'runs']);
      expect(await readdir(runDir)).toEqual(['config.json']);
      expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ app: 'GAN Studio app 9.9.9', pid: process.pid });
    } finally {
      await lock.release();
    }
  });

  it('a command holds the lock under its name until it releases it, and the app is refused meanwhile', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gs-cli-lock-')), 'New project');
    const held = await holdProjectLock(dir, 'train', { create: true });
    await expect(lockProject(dir, 'GAN Studio app 9.9.9')).rejects.toThrow(/open in gan-studio train \(command line\) \(process \d+/);
    await held.release();
    await expect(stat(join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
    await expect(holdProjectLock(join(dir, 'missing'), 'eval')).rejects.toThrow(/missing does not exist: check the path/);
  });

  it('a command process releases the lock when it exits, even through an error', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gs-cli-lock-')), 'Project');
    const lockModule = fileURLToPath(new URL('../project/lock.ts', import.meta.url));
    const script = `const { holdProjectLock } = await import(${JSON.stringify(lockModule)});
      await holdProjectLock(${JSON.stringify(dir)}, 'import', { create: true });
      console.log('held');
      throw new Error('the command failed');`;
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    expect(stdout.trim()).toBe('held');
    expect(code).toBe(1);
    await expect(stat(join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });
});
