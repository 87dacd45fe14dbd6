/**
 * WGAN-GP's gradient penalty differentiates a gradient: ∂/∂θ (‖∇ₓD(x)‖ − 1)². This checks it runs
 * through a small conv critic on both backends with the custom kernels, agrees across backends,
 * and agrees with central finite differences.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { leakyRelu } from '../../ops/activations';
import { BACKENDS, dataIdCount, onBackend, randomArray4, relError, setUpBackends } from './testing';

type Critic = { vars: tf.Variable[]; forward: (x: tf.Tensor4D) => tf.Tensor };

function makeCritic(): Critic {
  const w1 = tf.variable(tf.tensor4d(randomArray4([4, 4, 1, 4], 1)), true);
  const b1 = tf.variable(tf.fill([4], 0.05), true);
  const w2 = tf.variable(tf.tensor4d(randomArray4([3, 3, 4, 6], 2)), true);
  const wd = tf.variable(tf.reshape(tf.tensor4d(randomArray4([1, 1, 24, 1], 3)), [24, 1]), true);
  const forward = (x: tf.Tensor4D) => {
    let h: tf.Tensor = leakyRelu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same'), b1));
    h = leakyRelu(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same'));
    return tf.matMul(tf.reshape(h, [-1, 24]), wd as tf.Tensor2D);
  };
  return { vars: [w1, b1, w2, wd], forward };
}

function assign(v: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, v.shape);
  v.assign(t);
  t.dispose();
}

/** mean over the batch of (‖∇ₓ Σ D(x)‖₂ − 1)². */
function penalty(critic: Critic, x: tf.Tensor4D): tf.Scalar {
  const g = tf.grad((xx: tf.Tensor) => tf.sum(critic.forward(xx as tf.Tensor4D)))(x);
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(g), [1, 2, 3]), 1e-12));
  return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
}

function penaltyGrads(backend: string) {
  return onBackend(backend, () => {
    const critic = makeCritic();
    const x = tf.tensor4d(randomArray4([3, 8, 6, 1], 4));
    const grads = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => penalty(critic, x), critic.vars);
      return { value: value.dataSync()[0]!, grads: critic.vars.map((v) => grads[v.name]!.dataSync().slice()) };
    });
    // Central differences on a few entries of the first and second conv filters.
    const probes: [number, number][] = [
      [0, 5],
      [0, 37],
      [2, 11],
      [2, 100],
    ];
    const eps = 1e-2;
    const numeric = probes.map(([vi, ei]) => {
      const v = critic.vars[vi]!;
      const base = Float32Array.from(v.dataSync());
      const at = (delta: number) => {
        const bumped = base.slice();
        bumped[ei] = bumped[ei]! + delta;
        assign(v, bumped);
        return tf.tidy(() => penalty(critic, x).dataSync()[0]!);
      };
      const d = (at(eps) - at(-eps)) / (2 * eps);
      assign(v, base);
      return { analytic: grads.grads[vi]![ei]!, numeric: d };
    });
    tf.dispose([x, ...critic.vars]);
    return { ...grads, numeric };
  });
}

beforeAll(setUpBackends);

describe('gradient penalty through a conv critic (second-order gradients)', () => {
  const results = new Map<string, ReturnType<typeof penaltyGrads>>();
  it.each(BACKENDS)('runs on %s and matches finite differences', (backend) => {
    const r = penaltyGrads(backend);
    results.set(backend, r);
    expect(Number.isFinite(r.value)).toBe(true);
    // The probes must see real gradient, or agreement would prove nothing.
    expect(Math.max(...r.numeric.map((p) => Math.abs(p.numeric)))).toBeGreaterThan(1e-2);
    for (const { analytic, numeric } of r.numeric) {
      expect(Math.abs(analytic - numeric)).toBeLessThan(2e-5 + 1e-3 * Math.abs(numeric));
    }
  });

  it('wasm and cpu agree', () => {
    const wasm = results.get('wasm');
    const cpu = results.get('cpu');
    if (!wasm || !cpu) throw new Error('previous test did not run');
    expect(Math.abs(wasm.value - cpu.value)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.value)));
    wasm.grads.forEach((g, i) => expect(relError(g, cpu.grads[i]!)).toBeLessThan(1e-4));
  });

  it.each(BACKENDS)('leaves no tensors behind on %s', (backend) => {
    onBackend(backend, () => {
      const critic = makeCritic();
      const x = tf.tensor4d(randomArray4([2, 8, 6, 1], 9));
      const step = () => tf.tidy(() => tf.variableGrads(() => penalty(critic, x), critic.vars).value.dataSync());
      step();
      const tensors = tf.memory().numTensors;
      const dataIds = dataIdCount();
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(dataIdCount()).toBe(dataIds);
      tf.dispose([x, ...critic.vars]);
    });
  });
});
