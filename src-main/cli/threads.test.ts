/** `--threads` and GAN_STUDIO_THREADS on the real CLI: a wasm run on 2 threads trains and the
 *  process ends by itself; a bad count is refused with a message naming where it came from. */
import { runCli } from '../test-support/cli';
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyConfig } from '../engine/training/testing-config';

describe('gan-studio --threads', () => {
  it('trains on 2 data-parallel replicas, or on 2 threads with GAN_STUDIO_PARALLEL=threads, and exits on its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-cli-threads-'));
    try {
      const configFile = join(dir, 'config.json');
      await writeFile(configFile, JSON.stringify(tinyConfig({ model: { dNorm: 'batch' }, steps: 3, checkpointEvery: 3, sampleEvery: 100 })));
      const run = await runCli(['train', '--config', configFile, '--backend', 'wasm', '--threads', '2', '--out', dir]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/Backend: wasm \(@tensorflow\/tfjs-backend-wasm\).*, training on 2 data-parallel replicas of one thread each/);
      expect(run.stderr).toMatch(/completed at step 3/);
      const threaded = await runCli(['train', '--config', configFile, '--backend', 'wasm', '--threads', '2', '--out', dir], { GAN_STUDIO_PARALLEL: 'threads' });
      expect(threaded.code, threaded.stderr).toBe(0);
      expect(threaded.stderr).toMatch(/Backend: wasm \(@tensorflow\/tfjs-backend-wasm\), 2 threads/);
      expect(threaded.stderr).not.toMatch(/replicas/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad count from the flag or the environment', async () => {
    const flag = await runCli(['train', '--threads', '0', '--backend', 'wasm']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/--threads must be a whole number from 1 to 8 \(got "0"\)/);
    const env = await runCli(['sample', '--run', tmpdir(), '--out', join(tmpdir(), 'never.png'), '--backend', 'wasm'], { GAN_STUDIO_THREADS: 'lots' });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/GAN_STUDIO_THREADS must be a whole number/);
  });
});
