/**
 * The cases that check the fused operations (engine/backend/fused) against the op-by-op forms:
 * each builds its tensors on the active backend and returns the outputs to compare. Used by the
 * host test (fused/host.test.ts: cpu and wasm) and the webgpu child (webgpu-fusions.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ParamStore } from '../engine/models/params';
import { makeBatchNorm } from '../engine/models/layers';
import { leakyRelu } from '../engine/ops/activations';
import { updateMovingAverage } from '../engine/ops/moving-average';
import { EngineAdam } from '../engine/training/optimizer';
import { setFusedOps } from '../engine/backend/fused';

type Outputs = tf.Tensor[] | Record<string, tf.Tensor>;
export type FusedCase = () => Outputs | Promise<Outputs>;

/**
 * Runs `f` on `backend` with fusing on or off and reads back what it returns, with the tensors it
 * left behind. Its synchronous part runs in a tidy (an asynchronous case disposes its own).
 */
export async function runCase(backend: string, fused: boolean, f: FusedCase): Promise<{ out: Record<string, Float32Array>; leaked: number }> {
  await tf.setBackend(backend);
  setFusedOps(fused);
  try {
    // Tensors and backend data: a program's output never wrapped in a tensor shows only in the latter.
    const count = () => tf.memory().numTensors + tf.memory().numDataBuffers;
    const before = count();
    let pending: Promise<Outputs> | null = null;
    const sync = tf.tidy(() => {
      const r = f();
      if (r instanceof Promise) {
        pending = r;
        return [];
      }
      return r;
    });
    const result = pending ? await pending : sync;
    const named = Array.isArray(result) ? Object.fromEntries(result.map((t, i) => [String(i), t])) : result;
    const out: Record<string, Float32Array> = {};
    for (const [k, t] of Object.entries(named)) out[k] = Float32Array.from(await t.data());
    tf.dispose(Object.values(named));
    return { out, leaked: count() - before };
  } finally {
    setFusedOps(true);
  }
}

const normal = (shape: number[], seed: number, mean = 0) => tf.randomNormal(shape, mean, 1, 'float32', seed);

/** One training-mode batch norm layer: y, the gradients of Σ y·w in x, γ and β, and the running statistics after it. */
export function batchNormCase(shape: number[], offset: number) {
  return () => {
    const channels = shape[shape.length - 1]!;
    const store = new ParamStore(7);
    const layer = makeBatchNorm(store, 'bn', channels);
    const gamma = store.variables.get('bn/gamma')!;
    const beta = store.variables.get('bn/beta')!;
    // Not the initial γ = 1, β = 0, under which a wrong sign or factor would go unseen.
    gamma.assign(normal([channels], 11, 1));
    beta.assign(normal([channels], 12));
    const x = tf.variable(normal(shape, 1, offset), true, `bn-x-${tf.getBackend()}`);
    const w = normal(shape, 2);
    let y: tf.Tensor | null = null;
    const { value: loss, grads } = tf.variableGrads(() => {
      const out = layer(x, true);
      y = tf.keep(tf.clone(out));
      return tf.sum(tf.mul(out, w));
    }, [x, gamma, beta]);
    tf.dispose(loss);
    const out = { y: y!, dx: grads[x.name]!, dGamma: grads[gamma.name]!, dBeta: grads[beta.name]!, runningMean: tf.clone(store.variables.get('bn/moving_mean')!), runningVar: tf.clone(store.variables.get('bn/moving_variance')!) };
    tf.dispose([x, w]);
    store.dispose();
    return out;
  };
}

/**
 * Leaky ReLU, its gradient, and a WGAN-GP-like second-order gradient through two layers,
 * ∂/∂(W1, b1, W2) ‖∇ₓ Σ leakyRelu(leakyRelu(x·W1 + b1)·W2)‖²: W2 reaches it only through the first
 * layer's backward product dy · slope, so that product must be on the tape; b1 only through the
 * slopes, so its gradient is zero, and must still be there (op by op, step(x) gives zeros).
 */
export function leakyCase() {
  const x = normal([6, 5], 3);
  const w1 = tf.variable(normal([5, 4], 4), true, `leaky-w1-${tf.getBackend()}`);
  const b1 = tf.variable(normal([4], 6), true, `leaky-b1-${tf.getBackend()}`);
  const w2 = tf.variable(normal([4, 3], 5), true, `leaky-w2-${tf.getBackend()}`);
  const net = (xIn: tf.Tensor) => leakyRelu(tf.matMul(leakyRelu(tf.add(tf.matMul(xIn as tf.Tensor2D, w1), b1), 0.2), w2), 0.2);
  const y = net(x);
  const dx = tf.grad((xIn: tf.Tensor) => tf.sum(tf.mul(net(xIn), tf.range(0, 3))))(x);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.grad((xIn: tf.Tensor) => tf.sum(net(xIn)))(x))), [w1, b1, w2]);
  const out = { y, dx, penalty: value, secondOrderW1: grads[w1.name]!, secondOrderB1: grads[b1.name]!, secondOrderW2: grads[w2.name]! };
  tf.dispose([w1, b1, w2]);
  return Object.fromEntries(Object.entries(out).filter(([, t]) => t !== undefined)) as Record<string, tf.Tensor>;
}

/** A gradient of a gradient through batch norm (no config does it): the layer then runs op by op, so dy's and γ's paths are kept. */
export function secondOrderBatchNormCase() {
  const store = new ParamStore(8);
  const layer = makeBatchNorm(store, 'bn2', 3);
  const gamma = store.variables.get('bn2/gamma')!;
  const x = normal([4, 2, 2, 3], 1);
  const w = tf.variable(normal([3, 2], 2), true, `bn2-w-${tf.getBackend()}`);
  const { value, grads } = tf.variableGrads(() => {
    const g = tf.grad((xIn: tf.Tensor) => tf.sum(tf.matMul(tf.reshape(leakyRelu(layer(xIn, true), 0.2), [-1, 3]) as tf.Tensor2D, w)))(x);
    return tf.sum(tf.square(g));
  }, [w, gamma]);
  const out = { value, dW: grads[w.name]!, dGamma: grads[gamma.name]! };
  tf.dispose(w);
  store.dispose();
  return out;
}

/** G's EMA update and batch norm's running statistics: target·keep + value·(1 − keep). */
export function movingAverageCase() {
  const target = tf.variable(normal([3, 7], 5), false);
  const value = normal([3, 7], 6);
  updateMovingAverage(target, value, 0.999);
  updateMovingAverage(target, value, 0.5);
  const out = { target: tf.clone(target) };
  tf.dispose([target, value]);
  return out;
}

/** Tensors made from JavaScript values (uploaded with queue.writeBuffer on webgpu), many within one submit, each used then released. */
export function uploadCase() {
  const out: tf.Tensor[] = [];
  for (let i = 0; i < 40; i++) {
    const f = tf.tensor1d([i, i + 0.5, -i], 'float32');
    const n = tf.tensor1d([i, 2 * i, 7], 'int32');
    const b = tf.tensor1d([i % 2 === 0, true, false], 'bool');
    out.push(tf.add(tf.mul(f, 2), tf.cast(tf.add(n, tf.cast(b, 'int32')), 'float32')));
    tf.dispose([f, n, b]);
  }
  out.push(tf.mul(tf.scalar(3), tf.scalar(0.25)));
  const joined = tf.concat(out.map((t) => tf.reshape(t, [-1])));
  tf.dispose(out);
  return [joined];
}

/** Three Adam steps on three variables: the weights and every optimizer weight (moments, iterations). */
export function adamCase() {
  const vars = [[1], [5, 7], [3, 3, 2, 4]].map((s, i) => tf.variable(normal(s, 10 + i), true, `fused-adam-${tf.getBackend()}-${i}`));
  const optimizer = new EngineAdam(0.01, 0.5, 0.999);
  for (let step = 0; step < 3; step++) {
    const grads: tf.NamedTensorMap = Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1 + step, 'float32', 1 + 100 * step + i)]));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  // Read back once runCase's tidy has closed (getWeights makes its iterations scalar at once).
  return Promise.resolve().then(async () => {
    const weights = await optimizer.getWeights();
    // Copies: the moments are the optimizer's variables; the first (iterations) a fresh scalar.
    const out = { ...Object.fromEntries(weights.map((w) => [w.name.replace(/-(webgpu|cpu|wasm)-/, '-'), tf.clone(w.tensor)])), ...Object.fromEntries(vars.map((v, i) => [`w${i}`, tf.clone(v)])) };
    tf.dispose(weights[0]!.tensor);
    optimizer.dispose();
    tf.dispose(vars);
    return out;
  });
}

export const fusedCases: [string, FusedCase][] = [
  ['batch norm [8,5,5,6] (chunks of 16 rows, the last partial)', batchNormCase([8, 5, 5, 6], 0)],
  ['batch norm [64,16] (rank 2)', batchNormCase([64, 16], 0)],
  ['batch norm [4,32,32,3] around 1000 (no cancellation)', batchNormCase([4, 32, 32, 3], 1000)],
  ['batch norm [3,1,1,7] (fewer rows than a chunk)', batchNormCase([3, 1, 1, 7], 0)],
  ['leaky relu, gradient, second order', leakyCase],
  ['second order through batch norm', secondOrderBatchNormCase],
  ['moving average', movingAverageCase],
  ['uploads', uploadCase],
  ['adam', adamCase],
];
