import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BEST_POINTER, CheckpointStore, checkpointFileName } from './store';
import { stateForStep } from './testing';
import type { CheckpointState, NamedArray } from './types';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gan-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytesOf = (a: NamedArray) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);

/** Byte-level comparison, so NaN payloads and -0 count too. */
function expectSameState(actual: CheckpointState, expected: CheckpointState): void {
  expect(actual.step).toBe(expected.step);
  expect(actual.meta).toEqual(expected.meta);
  expect(Object.keys(actual.groups)).toEqual(Object.keys(expected.groups));
  for (const [group, arrays] of Object.entries(expected.groups)) {
    const got = actual.groups[group]!;
    expect(got.map((a) => [a.name, a.shape, a.dtype])).toEqual(arrays.map((a) => [a.name, a.shape, a.dtype]));
    arrays.forEach((a, i) => {
      expect(got[i]!.data).toBeInstanceOf(a.dtype === 'float32' ? Float32Array : Int32Array);
      expect(bytesOf(got[i]!).equals(bytesOf(a))).toBe(true);
    });
  }
}

describe('CheckpointStore round trip', () => {
  it('restores every group byte for byte, with meta', async () => {
    const nanWithPayload = new Float32Array(new Uint32Array([0x7fc01234]).buffer)[0]!;
    const state: CheckpointState = {
      step: 1234,
      meta: { config: { model: 'dcgan', lr: 2e-4, betas: [0.5, 0.999] }, rng: { state: [1, 2, 3, 4] }, appVersion: '0.1.0', note: 'ünïcødé ✓', nothing: null },
      groups: {
        generator: [
          { name: 'dense/kernel', shape: [3, 5], dtype: 'float32', data: Float32Array.from({ length: 15 }, (_, i) => i / 7 - 1) },
          { name: 'special', shape: [5], dtype: 'float32', data: new Float32Array([nanWithPayload, -0, Infinity, -Infinity, 1e-45]) },
          { name: 'scalar', shape: [], dtype: 'float32', data: new Float32Array([42.5]) },
          { name: 'empty', shape: [0, 4], dtype: 'float32', data: new Float32Array(0) },
        ],
        discriminator: [{ name: 'conv/kernel', shape: [2, 2, 1, 3], dtype: 'float32', data: Float32Array.from({ length: 12 }, (_, i) => -i) }],
        gOptimizer: [{ name: 'iterations', shape: [1], dtype: 'int32', data: new Int32Array([1234]) }],
        dOptimizer: [{ name: 'counts', shape: [4], dtype: 'int32', data: new Int32Array([-2147483648, -1, 0, 2147483647]) }],
        ema: [],
      },
    };
    const store = new CheckpointStore(dir);
    const info = await store.save(state);
    expect(info).toMatchObject({ file: 'ckpt-000001234.gsc', step: 1234, best: false });
    expect(info.bytes).toBe((await stat(path.join(dir, info.file))).size);

    expectSameState(await store.load(info.file), state);
    const latest = await store.loadLatest();
    expectSameState(latest!.state, state);
    expect(latest!.info).toEqual({ ...info, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(latest!.skipped).toEqual([]);
    expect(await store.list()).toEqual([info]);
  });

  it('stores arrays at 64-byte aligned offsets after a magic prefix', async () => {
    const store = new CheckpointStore(dir);
    const { file } = await store.save(stateForStep(3, 10));
    const buf = await readFile(path.join(dir, file));
    expect(buf.subarray(0, 8).toString('latin1')).toBe('GANSCKPT');
    expect(buf.readUInt32LE(8)).toBe(1);
    const header = JSON.parse(buf.subarray(16, 16 + buf.readUInt32LE(12)).toString('utf8'));
    const offsets = Object.values(header.groups as Record<string, { offset: number }[]>).flat().map((e) => e.offset);
    expect(offsets.every((o) => o % 64 === 0)).toBe(true);
  });

  it('returns null from an empty or missing directory', async () => {
    expect(await new CheckpointStore(path.join(dir, 'nope')).loadLatest()).toBeNull();
    expect(await new CheckpointStore(dir).list()).toEqual([]);
    expect(await new CheckpointStore(dir).loadBest()).toBeNull();
  });

  it('rejects states it could not restore faithfully', async () => {
    const store = new CheckpointStore(dir);
    const bad = (groups: CheckpointState['groups'], step = 1) => store.save({ step, meta: {}, groups });
    await expect(bad({ g: [{ name: 'a', shape: [3], dtype: 'float32', data: new Float32Array(2) }] })).rejects.toThrow(/needs 3 values/);
    await expect(bad({ g: [{ name: 'a', shape: [2], dtype: 'int32', data: new Float32Array(2) }] })).rejects.toThrow(/Int32Array/);
    const a = { name: 'a', shape: [1], dtype: 'float32' as const, data: new Float32Array(1) };
    await expect(bad({ g: [a, a] })).rejects.toThrow(/two arrays named "a"/);
    await expect(bad({}, -1)).rejects.toThrow(/step/);
    await expect(store.save({ step: 1, meta: { big: 1n }, groups: {} })).rejects.toThrow(/JSON/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('pruning and best', () => {
  it('keeps the last K plus the best one', async () => {
    const store = new CheckpointStore(dir, { keepLast: 2 });
    for (let step = 1; step <= 6; step++) await store.save(stateForStep(step * 100, 8), { best: step === 2 });
    const names = (await readdir(dir)).filter((n) => n.endsWith('.gsc')).sort();
    expect(names).toEqual([checkpointFileName(200), checkpointFileName(500), checkpointFileName(600)]);
    expect((await store.list()).map((i) => [i.step, i.best])).toEqual([[600, false], [500, false], [200, true]]);
    const best = await store.loadBest();
    expect(best!.info).toMatchObject({ step: 200, best: true });
    expectSameState(best!.state, stateForStep(200, 8));

    // A new best releases the old one to normal pruning.
    await store.save(stateForStep(700, 8), { best: true });
    expect((await store.list()).map((i) => [i.step, i.best])).toEqual([[700, true], [600, false]]);
    await store.markBest(checkpointFileName(600));
    expect((await store.loadBest())!.info.step).toBe(600);
  });

  it('drops checkpoints from an abandoned timeline when an older one is resumed', async () => {
    const store = new CheckpointStore(dir, { keepLast: 3 });
    for (const step of [10, 20, 30, 40]) await store.save(stateForStep(step, 8), { best: step === 40 });
    await store.save(stateForStep(25, 8));
    expect((await store.list()).map((i) => i.step)).toEqual([40, 25, 20]);
    expect((await store.list()).find((i) => i.best)?.step).toBe(40);
  });
});

describe('damaged files', () => {
  async function twoCheckpoints() {
    const store = new CheckpointStore(dir);
    await store.save(stateForStep(1, 2000));
    const newest = await store.save(stateForStep(2, 2000));
    return { store, newest: path.join(dir, newest.file), size: newest.bytes };
  }

  async function expectFallback(store: CheckpointStore, reason: RegExp) {
    const reported: string[] = [];
    const loaded = await store.loadLatest({ onSkip: (s) => reported.push(s.file) });
    expect(loaded!.skipped).toEqual([{ file: checkpointFileName(2), reason: expect.stringMatching(reason) }]);
    expect(reported).toEqual([checkpointFileName(2)]);
    expectSameState(loaded!.state, stateForStep(1, 2000));
    await expect(store.load(checkpointFileName(2))).rejects.toThrow(new RegExp(`ckpt-000000002\\.gsc.*(?:${reason.source})`));
  }

  it.each([
    ['to nothing', () => 0, /truncated/],
    ['inside the prefix', () => 10, /truncated/],
    ['inside the header', () => 40, /truncated|header/],
    ['inside the data', (size: number) => Math.floor(size / 2), /truncated/],
    ['by one byte', (size: number) => size - 1, /truncated/],
  ])('skips a newest file truncated %s', async (_, cut, reason) => {
    const { store, newest, size } = await twoCheckpoints();
    await truncate(newest, cut(size));
    await expectFallback(store, reason);
    if (cut(size) > 100) expect((await store.list()).map((i) => i.step)).toEqual([1]);
  });

  it.each([
    ['in the magic', () => 0, /magic/],
    ['in the header JSON', () => 30, /header|checksum|truncated|corrupt/],
    ['in the data', (size: number) => Math.floor(size / 2), /checksum/],
    ['in the digest', (size: number) => size - 3, /checksum/],
  ])('skips a newest file with a bit flipped %s', async (_, at, reason) => {
    const { store, newest, size } = await twoCheckpoints();
    const buf = await readFile(newest);
    buf[at(size)]! ^= 0x10;
    await writeFile(newest, buf);
    await expectFallback(store, reason);
  });

  it('passes over a verified file whose contents the caller refuses, with the caller\'s reason', async () => {
    const { store } = await twoCheckpoints();
    const loaded = await store.loadLatest({
      check: (state) => {
        if (state.step === 2) throw new Error('its training state is not valid');
      },
    });
    expect(loaded!.skipped).toEqual([{ file: checkpointFileName(2), reason: expect.stringMatching(/training state is not valid/) }]);
    expectSameState(loaded!.state, stateForStep(1, 2000));
  });

  it('ignores leftover temp files and cleans them up on the next save', async () => {
    const store = new CheckpointStore(dir);
    await store.save(stateForStep(1, 64));
    const full = await readFile(path.join(dir, checkpointFileName(1)));
    // What a writer killed mid-write leaves behind: a partial file and a partial best pointer.
    const deadPid = 2 ** 22 + 12345;
    const leftovers = [`${checkpointFileName(2)}.tmp-${deadPid}-abcdef`, `${BEST_POINTER}.tmp-${process.pid}-0123ab`];
    await writeFile(path.join(dir, leftovers[0]!), full.subarray(0, 100));
    await writeFile(path.join(dir, leftovers[1]!), '{"fi');
    expect((await store.list()).map((i) => i.step)).toEqual([1]);
    expect((await store.loadLatest())!.skipped).toEqual([]);
    expect(await store.loadBest()).toBeNull();

    await store.save(stateForStep(3, 64));
    expect((await readdir(dir)).sort()).toEqual([checkpointFileName(1), checkpointFileName(3)]);
  });
});
