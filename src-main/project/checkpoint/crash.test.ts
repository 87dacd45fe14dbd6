/**
 * kill -9 safety: a real child process saves multi-MB checkpoints in a tight loop and is
 * SIGKILLed at random moments; whatever it left behind must load cleanly and hold exactly what
 * its step would have written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointStore } from './store';
import { stateForStep } from './testing';
import type { CheckpointState } from './types';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
// ~4 MB per checkpoint: big enough that kills often land mid-write, small enough to stay fast.
const FLOATS = 450_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gan-ckpt-kill-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hasCheckpointTemp = (names: string[]) => names.some((n) => /\.gsc\.tmp-/.test(n));

/**
 * Runs the writer until it has saved at least once, lets it run `ms` more, then SIGKILLs it.
 * With `midWrite`, it then waits for a checkpoint temp file to appear first: a purely random
 * moment lands outside the write window about half the time.
 */
async function runAndKill(firstStep: number, ms: number, midWrite: boolean): Promise<{ lastSaved: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(firstStep), String(FLOATS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastSaved = -1;
  let stderr = '';
  let buffered = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const firstSave = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) lastSaved = Number(/^saved (\d+)$/.exec(line)?.[1] ?? lastSaved);
      if (lastSaved >= 0) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then(() => reject(new Error(`writer exited before its first save: ${stderr}`)));
  });
  try {
    await firstSave;
    await new Promise((r) => setTimeout(r, ms));
    for (const until = Date.now() + 2000; midWrite && Date.now() < until; ) if (hasCheckpointTemp(await readdir(dir))) break;
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  return { lastSaved };
}

function expectExactly(state: CheckpointState, expected: CheckpointState): void {
  expect(state.meta).toEqual(expected.meta);
  for (const [group, arrays] of Object.entries(expected.groups)) {
    arrays.forEach((a, i) => {
      const got = state.groups[group]?.[i];
      expect(got?.shape).toEqual(a.shape);
      const same = Buffer.from(got!.data.buffer, got!.data.byteOffset, got!.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength));
      expect(same, `${group}/${a.name} at step ${expected.step}`).toBe(true);
    });
  }
}

describe('kill -9 while saving', () => {
  it('always leaves a loadable latest checkpoint with the right contents', async () => {
    const store = new CheckpointStore(dir, { keepLast: 2 });
    let next = 0;
    for (let round = 0; round < 5; round++) {
      const delay = 50 + Math.floor(Math.random() * 350);
      const { lastSaved } = await runAndKill(next, delay, round % 2 === 1);

      const loaded = await store.loadLatest();
      expect(loaded, `round ${round}, killed ${delay} ms after the first save`).not.toBeNull();
      // Atomic writes mean the kill never damages a finished file, so nothing is skipped...
      expect(loaded!.skipped).toEqual([]);
      // ...and a save the writer saw complete is never lost.
      expect(loaded!.state.step).toBeGreaterThanOrEqual(lastSaved);
      expectExactly(loaded!.state, stateForStep(loaded!.state.step, FLOATS));

      // Every finished file verifies, not just the newest; leftovers are only temp files.
      const names = await readdir(dir);
      const finished = names.filter((n) => n.endsWith('.gsc'));
      expect((await store.list()).map((i) => i.file).sort()).toEqual(finished.sort());
      for (const file of finished) await store.load(file);
      expect(names.filter((n) => !n.endsWith('.gsc') && n !== 'best.json').every((n) => n.includes('.tmp-'))).toBe(true);

      const best = await store.loadBest();
      if (best) expectExactly(best.state, stateForStep(best.info.step, FLOATS));
      next = loaded!.state.step + 1;
    }
    // Temps of the killed writers go away with the next save.
    await store.save(stateForStep(next, 16));
    expect(hasCheckpointTemp(await readdir(dir))).toBe(false);
  });
});
