/**
 * Deterministic checkpoint contents for tests: the data is a pure function of the step, so a test
 * can tell exactly what a given step must have written, even from another process.
 */
import type { CheckpointState } from './types';

export function stateForStep(step: number, floatsPerArray = 1024): CheckpointState {
  const floats = (salt: number) => {
    const a = new Float32Array(floatsPerArray);
    for (let i = 0; i < a.length; i++) a[i] = step + ((Math.imul(i + salt, 2654435761) >>> 16) / 65536);
    return a;
  };
  const ints = new Int32Array(Math.max(1, floatsPerArray >> 2));
  for (let i = 0; i < ints.length; i++) ints[i] = Math.imul(i + 1, 40503) ^ step;
  return {
    step,
    meta: { config: { lr: 2e-4, step }, rng: { seed: 7, calls: step * 3 } },
    groups: {
      generator: [
        { name: 'dense/kernel', shape: [floatsPerArray], dtype: 'float32', data: floats(1) },
        { name: 'dense/bias', shape: [2, 3], dtype: 'float32', data: new Float32Array([step, 1, 2, 3, 4, 5]) },
      ],
      discriminator: [{ name: 'conv/kernel', shape: [floatsPerArray], dtype: 'float32', data: floats(2) }],
      gOptimizer: [{ name: 'iterations', shape: [ints.length], dtype: 'int32', data: ints }],
    },
  };
}
