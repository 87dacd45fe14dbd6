/**
 * The engine's fused webgpu programs against the op-by-op forms every other backend runs (here on
 * tfjs-cpu), on the adapter Dawn finds (SwiftShader in CI), in their own process. For
 * kernels/webgpu/webgpu-fusions.test.ts:  node --import tsx webgpu-fusions.ts
 * Prints one JSON line: per case the largest difference relative to the largest value of each
 * output, which of the engine's shaders ran, and the tensors left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initRuntime } from '../engine/runtime';
import { ParamStore } from '../engine/models/params';
import { makeBatchNorm } from '../engine/models/layers';
import { leakyRelu } from '../engine/ops/activations';
import { updateMovingAverage } from '../engine/ops/moving-average';
import { relDiff } from './compare';

type Backend = 'webgpu' | 'cpu';
type Outputs = Record<string, Float32Array | Int32Array>;

const shaders = new Set<string>();
function watchPrograms(): void {
  const backend = tf.findBackend('webgpu') as unknown as { runWebGPUProgram: (program: { shaderKey: string }, ...rest: unknown[]) => unknown };
  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (program, ...rest) => {
    shaders.add(program.shaderKey.split('_')[0]!);
    return run(program, ...rest);
  };
}

/** Runs `f` on `backend` and reads back what it returns, with the engine's shaders that ran and the tensors left. */
async function on(backend: Backend, f: () => tf.Tensor[] | Record<string, tf.Tensor>): Promise<{ out: Outputs; shaders: string[]; leaked: number }> {
  await tf.setBackend(backend);
  shaders.clear();
  const before = tf.memory().numTensors;
  const result = tf.tidy(f);
  const named = Array.isArray(result) ? Object.fromEntries(result.map((t, i) => [String(i), t])) : result;
  const out: Outputs = {};
  for (const [k, t] of Object.entries(named)) out[k] = (await t.data()) as Float32Array;
  tf.dispose(Object.values(named));
  return { out, shaders: [...shaders].filter((k) => k.startsWith('ganStudio')).sort(), leaked: tf.memory().numTensors - before };
}

const normal = (shape: number[], seed: number, mean = 0) => tf.randomNormal(shape, mean, 1, 'float32', seed);

/** One training-mode batch norm layer: y, the gradients of Σ y·w in x, γ and β, and the running statistics after it. */
function batchNormCase(shape: number[], offset: number) {
  return () => {
    const channels = shape[shape.length - 1]!;
    const store = new ParamStore(7);
    const layer = makeBatchNorm(store, 'bn', channels);
    const gamma = store.variables.get('bn/gamma')!;
    const beta = store.variables.get('bn/beta')!;
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
 * ∂/∂(W1, W2) ‖∇ₓ Σ leakyRelu(leakyRelu(x·W1)·W2)‖²: W2 reaches it only through the first
 * layer's backward product dy · slope, so that product must be on the tape.
 */
function leakyCase() {
  const x = normal([6, 5], 3);
  const w1 = tf.variable(normal([5, 4], 4), true, `leaky-w1-${tf.getBackend()}`);
  const w2 = tf.variable(normal([4, 3], 5), true, `leaky-w2-${tf.getBackend()}`);
  const net = (xIn: tf.Tensor) => leakyRelu(tf.matMul(leakyRelu(tf.matMul(xIn as tf.Tensor2D, w1), 0.2), w2), 0.2);
  const y = net(x);
  const dx = tf.grad((xIn: tf.Tensor) => tf.sum(tf.mul(net(xIn), tf.range(0, 3))))(x);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.grad((xIn: tf.Tensor) => tf.sum(net(xIn)))(x))), [w1, w2]);
  const out = { y, dx, penalty: value, secondOrderW1: grads[w1.name]!, secondOrderW2: grads[w2.name]! };
  tf.dispose([w1, w2]);
  return out;
}

/** G's EMA update and batch norm's running statistics: target·keep + value·(1 − keep). */
function movingAverageCase() {
  const target = tf.variable(normal([3, 7], 5), false);
  const value = normal([3, 7], 6);
  updateMovingAverage(target, value, 0.999);
  updateMovingAverage(target, value, 0.5);
  const out = { target: tf.clone(target) };
  tf.dispose([target, value]);
  return out;
}

/** Tensors made from JavaScript values (uploaded with queue.writeBuffer on webgpu), many within one submit, each used then released. */
function uploadCase() {
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

const report = await initRuntime('webgpu');
if (report.active !== 'webgpu') {
  console.log(JSON.stringify({ skipped: report.attempts.find((a) => a.name === 'webgpu')?.detail ?? 'webgpu unavailable' }));
  process.exit(0);
}
watchPrograms();
const cases: [string, () => tf.Tensor[] | Record<string, tf.Tensor>][] = [
  ['batch norm [8,5,5,6] (chunks of 16 rows, the last partial)', batchNormCase([8, 5, 5, 6], 0)],
  ['batch norm [64,16] (rank 2)', batchNormCase([64, 16], 0)],
  ['batch norm [4,32,32,3] around 1000 (no cancellation)', batchNormCase([4, 32, 32, 3], 1000)],
  ['batch norm [3,1,1,7] (fewer rows than a chunk)', batchNormCase([3, 1, 1, 7], 0)],
  ['leaky relu, gradient, second order', leakyCase],
  ['moving average', movingAverageCase],
  ['uploads', uploadCase],
];
const results = [];
for (const [name, f] of cases) {
  const gpu = await on('webgpu', f);
  const cpu = await on('cpu', f);
  const diffs = Object.fromEntries(Object.keys(cpu.out).map((k) => [k, gpu.out[k] ? relDiff(gpu.out[k]!, cpu.out[k]!) : Infinity]));
  results.push({ name, diffs, shaders: gpu.shaders, leaked: gpu.leaked });
}
console.log(JSON.stringify({ adapter: report.attempts.find((a) => a.name === 'webgpu')?.detail, cases: results }));
process.exit(0);
