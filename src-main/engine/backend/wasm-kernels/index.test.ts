/**
 * Heap allocation for the engine's WebAssembly kernels on the real wasm backend: a request the heap
 * cannot grow to (tfjs-wasm's malloc then answers 0) is an error that says what to do, never a
 * tensor at byte 0 for a kernel to write over the heap's start, and nothing is left allocated.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, expect, it } from 'vitest';
import { allocateAllOnHeap, allocateOnHeap, wasmKernels } from '.';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const buffers = () => tf.engine().backend.numDataIds();

it('finds the wasm heap and instantiates the kernels on it', () => {
  expect(wasmKernels(tf.backend())).not.toBeNull();
});

it('refuses what the heap cannot hold with a clear error, leaving nothing allocated', () => {
  const before = buffers();
  // 4 GiB less 4 KiB: within malloc's 32-bit size but past the heap's 65,535-page limit.
  expect(() => allocateOnHeap(tf.backend(), [2 ** 30 - 1024])).toThrow(/WebAssembly heap could not grow by 4096 MiB more .*lower the batch size/);
  expect(() => allocateOnHeap(tf.backend(), [2 ** 31])).toThrow(/could not grow/);
  // Several at once: the ones already made are freed when a later one fails.
  expect(() => allocateAllOnHeap(tf.backend(), [[16], [64], [2 ** 30 - 1024]])).toThrow(/could not grow/);
  expect(buffers()).toBe(before);
  const [a, b] = allocateAllOnHeap(tf.backend(), [[16], [0]]);
  expect(buffers()).toBe(before + 2);
  for (const t of [a!, b!]) tf.backend().disposeData(t.dataId);
});
