import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINE_MALLOC_TUNABLES, engineMallocEnv, engineProcessEnv } from './engine-env';

describe('engine process environment', () => {
  it('sets glibc allocator tunables on Linux, after any the user set, and only once', () => {
    expect(engineMallocEnv({}, 'linux')).toEqual({ GLIBC_TUNABLES: ENGINE_MALLOC_TUNABLES });
    expect(engineMallocEnv({ GLIBC_TUNABLES: 'glibc.pthread.rseq=0' }, 'linux')).toEqual({ GLIBC_TUNABLES: `glibc.pthread.rseq=0:${ENGINE_MALLOC_TUNABLES}` });
    expect(engineMallocEnv({ GLIBC_TUNABLES: 'glibc.malloc.mmap_max=4' }, 'linux')).toEqual({});
    expect(engineMallocEnv({}, 'darwin')).toEqual({});
    expect(engineMallocEnv({}, 'win32')).toEqual({});
  });

  it.runIf(process.platform === 'linux')('starts a Node process that runs with the tunables (glibc accepts them)', () => {
    const env = { ...process.env, ...engineProcessEnv({}) };
    const child = spawnSync(process.execPath, ['-e', 'const b = new Float32Array(1 << 24); b.fill(1); console.log(process.env.GLIBC_TUNABLES, b[5])'], { env, encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(`${ENGINE_MALLOC_TUNABLES} 1`);
  });
});

describe.runIf(process.platform === 'linux')('relaunching with the engine environment', () => {
  const fixture = fileURLToPath(new URL('../test-support/relaunch-fixture.ts', import.meta.url));
  /** Starts the fixture without the tunables; resolves its first line (the relaunched child's). */
  function start(...args: string[]) {
    // Its own process group, as a shell gives a command it runs.
    const parent = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GLIBC_TUNABLES: '' }, detached: true });
    const exit = new Promise<[number | null, string | null]>((resolve) => parent.once('exit', (code, signal) => resolve([code, signal])));
    const line = new Promise<{ pid: number; tunables: string; marker: string }>((resolve, reject) => {
      let text = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const [first] = text.split('\n');
        if (text.includes('\n')) {
          const [pid, tunables, marker] = first!.split(' ');
          resolve({ pid: Number(pid), tunables: tunables!, marker: marker! });
        }
      });
      parent.once('exit', () => reject(new Error(`exited before printing: ${text}`)));
    });
    return { parent, exit, line };
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('runs the script again in a child with the tunables (the marker gone from its environment) and exits with its code', async () => {
    const { parent, exit, line } = start('exit', '3');
    const child = await line;
    expect(child.pid).not.toBe(parent.pid);
    expect(child.tunables).toBe(ENGINE_MALLOC_TUNABLES);
    expect(child.marker).toBe('unmarked');
    expect(await exit).toEqual([3, null]);
  }, 30_000);

  it('a Ctrl+C (SIGINT to the whole process group) reaches the child exactly once', async () => {
    const { parent, exit, line } = start('signals', '1500');
    await line;
    process.kill(-parent.pid!, 'SIGINT');
    expect(await exit).toEqual([11, null]);
  }, 30_000);

  it('a Ctrl+C while the child computes (its event loop held, as in a training step) still reaches it once', async () => {
    const { parent, exit, line } = start('busy', '1500');
    await line;
    process.kill(-parent.pid!, 'SIGINT');
    // A second SIGINT would meet only the relaunch's own listener and end the child with 130.
    expect(await exit).toEqual([21, null]);
  }, 30_000);

  it('a SIGINT sent to the parent alone is passed on to the child once', async () => {
    const { parent, exit, line } = start('signals', '1500');
    await line;
    parent.kill('SIGINT');
    expect(await exit).toEqual([11, null]);
  }, 30_000);

  it('the child dies too when the parent is killed outright', async () => {
    const { parent, exit, line } = start('wait');
    const child = await line;
    expect(alive(child.pid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await exit).toEqual([null, 'SIGKILL']);
    const deadline = Date.now() + 10_000;
    while (alive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(child.pid)).toBe(false);
  }, 30_000);

  it('a child killed by a relayed signal makes the parent end by the same signal', async () => {
    const { exit, line } = start('wait');
    const child = await line;
    process.kill(child.pid, 'SIGTERM');
    expect(await exit).toEqual([null, 'SIGTERM']);
  }, 30_000);
});
