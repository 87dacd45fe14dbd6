import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
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
