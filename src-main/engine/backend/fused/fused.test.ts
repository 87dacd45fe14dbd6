/**
 * The fused operations against the op-by-op forms, on cpu (JavaScript loops, ./host.ts) and on
 * wasm (WebAssembly SIMD over its heap, ./wasm.ts): batch norm forward, backward and running
 * statistics; leaky ReLU, its gradient and a second-order gradient through it; moving averages;
 * Adam. Elementwise results round like the ops, so all but the sums are bit-identical. Nothing is
 * left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fusedOps, setFusedOps } from '.';
import { registerTrainingKernels } from '../kernels';
import { ensureGradientsRegistered } from '../../ops/gradients';
import { fusedCases, runCase } from '../../../test-support/fused-cases';
import { relDiff } from '../../../test-support/compare';
import { leakyRelu } from '../../ops/activations';

beforeAll(async () => {
  await ensureGradientsRegistered();
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    registerTrainingKernels(backend);
  }
});

/** Outputs that sum over many values (batch norm's statistics and whatever depends on them) differ in the last bits. */
const summed = (name: string) => name.startsWith('batch norm');

describe.each(['cpu', 'wasm'])('fused operations on %s', (backend) => {
  it.each(fusedCases)('%s', async (name, f) => {
    const fused = await runCase(backend, true, f);
    // Sums are checked against cpu's op-by-op forms, which add in float64 as the fused ones do:
    // wasm's op-by-op sums add in float32 and drift by 1e-4 on data around 1000.
    const reference = await runCase(summed(name) ? 'cpu' : backend, false, f);
    expect(Object.keys(fused.out).sort()).toEqual(Object.keys(reference.out).sort());
    for (const [output, values] of Object.entries(reference.out)) {
      const diff = relDiff(fused.out[output]!, values);
      if (!summed(name)) expect(diff, output).toBe(0);
      else expect(diff, output).toBeLessThan(1e-5);
    }
    expect(fused.leaked).toBe(0);
  });
});

it('are on for cpu and wasm, and off when fusing is off', async () => {
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    expect(fusedOps(), backend).not.toBeNull();
    setFusedOps(false);
    expect(fusedOps(), backend).toBeNull();
    setFusedOps(true);
  }
});

it.each(['cpu', 'wasm'])('leaky ReLU on %s keeps garbage as the op-by-op form does: NaN stays NaN (value and slope), −0 gives +0, infinities scale', async (backend) => {
  const specials = [Number.NaN, -0, 0, 1, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e38, -3e38];
  // All nine at once (SIMD lanes on wasm), and each alone (its scalar tail).
  for (const values of [specials, ...specials.map((v) => [v])]) {
    const f = () => {
      const x = tf.tensor1d(values);
      const [y, dx] = [leakyRelu(x, 0.2), tf.grad((t: tf.Tensor) => leakyRelu(t, 0.2))(x)];
      return { y, dx };
    };
    const fused = await runCase(backend, true, f);
    const reference = await runCase(backend, false, f);
    for (const output of ['y', 'dx']) {
      values.forEach((v, i) => expect(Object.is(fused.out[output]![i], reference.out[output]![i]), `${output} at ${v} of ${values.length}: ${fused.out[output]![i]} vs ${reference.out[output]![i]}`).toBe(true));
    }
  }
});
