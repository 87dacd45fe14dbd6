/**
 * Heap allocation for the engine's WebAssembly kernels on the real wasm backend: a request the heap
 * cannot grow to (tfjs-wasm's malloc then answers 0, or a small free chunk when its size arithmetic
 * wraps) is an error that says what to do, never a tensor for a kernel to write over the heap, and
 * nothing is left allocated.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, expect, it } from 'vitest';
import { allocateAllOnHeap, allocateOnHeap, wasmKernels } from '.';
import { KernelRunner } from '../kernels/runner';

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
  // With a freed chunk to hand, malloc's size arithmetic wraps and it answers nearly 4 GiB with
  // that small chunk (not 0): refused as well.
  expect(() => allocateOnHeap(tf.backend(), [2 ** 30 - 1024])).toThrow(/could not grow/);
  expect(buffers()).toBe(before);
});

it("the engine's JavaScript kernels upload their values the same way: refused past the limit, exact below it", () => {
  const before = buffers();
  const runner = new KernelRunner(tf.backend(), 'wasm');
  // tfjs' own makeOutput with values would copy them to byte 0 here, over the heap's start.
  expect(() => runner.fromValues([2 ** 30 - 1024], new Float32Array(0))).toThrow(/could not grow .*lower the batch size/);
  const heap = tf.backend() as unknown as { typedArrayFromHeap(t: unknown): Float32Array | Int32Array | Uint8Array };
  const f = runner.fromValues([2, 2], Float32Array.of(1.5, -2, 3, 4e-7));
  const i = runner.fromValues([3], Int32Array.of(-7, 0, 2 ** 30), 'int32');
  const b = runner.fromValues([4], Uint8Array.of(1, 0, 0, 1), 'bool');
  expect([...heap.typedArrayFromHeap(f)]).toEqual([...Float32Array.of(1.5, -2, 3, 4e-7)]);
  expect([...heap.typedArrayFromHeap(i)]).toEqual([-7, 0, 2 ** 30]);
  expect([...heap.typedArrayFromHeap(b)]).toEqual([1, 0, 0, 1]);
  // set() would convert (1.7 → 1) where tfjs copied bytes: values of another type are refused.
  expect(() => runner.fromValues([1], Float32Array.of(1.7), 'int32')).toThrow(/int32 values must be a Int32Array/);
  runner.disposeAll();
  expect(buffers()).toBe(before);
});
