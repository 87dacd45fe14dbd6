/**
 * Stock vs custom training kernels on the wasm and cpu backends, for the layers of a 28-px DCGAN,
 * then whole training steps of a small DCGAN on both.
 *
 *   npx tsx bench/kernels.ts [--batch 64] [--cpu-batch 8] [--reps 5] [--no-cpu] [--no-steps]
 *                            [--steps-only] [--cpu-stock-step]
 *
 * cpu's stock Conv2DBackpropFilter needs minutes per call at batch 64, hence its smaller batch;
 * --cpu-stock-step adds stock cpu training steps (about a minute each at batch 8).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { registerTrainingKernels, restoreStockKernels, type TrainingBackendName } from '../src-main/engine/backend/kernels/index';
import { ensureGradientsRegistered } from '../src-main/engine/ops/gradients';
import { leakyRelu } from '../src-main/engine/ops/activations';
import { sigmoidCrossEntropyWithLogits } from '../src-main/engine/ops/losses';

const args = process.argv.slice(2);
const numArg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BATCH = numArg('batch', 64);
const CPU_BATCH = numArg('cpu-batch', 8);
const REPS = numArg('reps', 5);

tf.env().set('PROD', true); // silences the "use tfjs-node" banner

/** Median wall time of `f` in ms after one warm-up call, or why it could not run ("missing"). */
function time(f: () => tf.Tensor | tf.Tensor[], reps: number): number | string {
  try {
    tf.dispose(f());
  } catch (err) {
    return String((err as Error).message).includes('not registered') ? 'missing' : `error: ${(err as Error).message.slice(0, 40)}`;
  }
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = f();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    times.push(performance.now() - t0);
    tf.dispose(out);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

type ConvLayer = { name: string; h: number; cin: number; cout: number; k: number; s: number; transposed: boolean };

/** DCGAN 28 px: transposed-conv generator, upsample+conv generator (k3 s1), strided critic. */
const LAYERS: ConvLayer[] = [
  { name: 'G convT 7→14 128→64 k4s2', h: 7, cin: 128, cout: 64, k: 4, s: 2, transposed: true },
  { name: 'G convT 14→28 64→1 k4s2', h: 14, cin: 64, cout: 1, k: 4, s: 2, transposed: true },
  { name: 'G up+conv 14px 128→64 k3s1', h: 14, cin: 128, cout: 64, k: 3, s: 1, transposed: false },
  { name: 'G up+conv 28px 64→1 k3s1', h: 28, cin: 64, cout: 1, k: 3, s: 1, transposed: false },
  { name: 'D conv 28→14 1→64 k4s2', h: 28, cin: 1, cout: 64, k: 4, s: 2, transposed: false },
  { name: 'D conv 14→7 64→128 k4s2', h: 14, cin: 64, cout: 128, k: 4, s: 2, transposed: false },
];

type Row = [string, string, string, number | string, number | string];
const fmt = (v: number | string) => (typeof v === 'number' ? v.toFixed(1) : v);

function benchLayer(backend: TrainingBackendName, n: number, layer: ConvLayer, reps: number): Row[] {
  // A transposed conv from a→b is the gradient of a conv from b→a: express both through the conv
  // "x → y" they share and time the three kernels one training step of that layer runs.
  const conv = layer.transposed
    ? { xH: layer.h * layer.s, xC: layer.cout, yC: layer.cin }
    : { xH: layer.h, xC: layer.cin, yC: layer.cout };
  const x = tf.randomNormal([n, conv.xH, conv.xH, conv.xC]) as tf.Tensor4D;
  const w = tf.randomNormal([layer.k, layer.k, conv.xC, conv.yC], 0, 0.1) as tf.Tensor4D;
  const y = tf.conv2d(x, w, layer.s, 'same');
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const attrs = { strides: layer.s, pad: 'same', dataFormat: 'NHWC' } as const;
  const kernels: [string, () => tf.Tensor][] = [
    ['Conv2D', () => tf.conv2d(x, w, layer.s, 'same')],
    ['Conv2DBackpropInput', () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as unknown as NamedAttrMap) as tf.Tensor],
    ['Conv2DBackpropFilter', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as unknown as NamedAttrMap) as tf.Tensor],
  ];
  const rows: Row[] = [];
  for (const [kernel, run] of kernels) {
    restoreStockKernels(backend);
    const stock = time(run, kernel === 'Conv2DBackpropFilter' && backend === 'cpu' ? 1 : reps);
    const replaced = registerTrainingKernels(backend).includes(kernel);
    const custom = replaced ? time(run, reps) : '—';
    rows.push([backend, layer.name, kernel, stock, custom]);
  }
  tf.dispose([x, w, y, dy]);
  return rows;
}

/** Times `run` with stock kernels, then with ours when any of `uses` is one we replace. */
function stockVsCustom(backend: TrainingBackendName, uses: string[], run: () => tf.Tensor | tf.Tensor[], reps: number): [number | string, number | string] {
  restoreStockKernels(backend);
  const stock = time(run, reps);
  const ours = registerTrainingKernels(backend);
  return [stock, uses.some((k) => ours.includes(k)) ? time(run, reps) : '—'];
}

function benchOthers(backend: TrainingBackendName, n: number, reps: number): Row[] {
  const rows: Row[] = [];
  for (const [h, c] of [
    [7, 128],
    [14, 64],
  ] as const) {
    const x = tf.randomNormal([n, h, h, c]) as tf.Tensor4D;
    const dy = tf.randomNormal([n, 2 * h, 2 * h, c]) as tf.Tensor4D;
    const up = `resizeNN ${h}→${2 * h} ×${c} (n=${n})`;
    rows.push([backend, up, 'ResizeNearestNeighbor', ...stockVsCustom(backend, [], () => tf.image.resizeNearestNeighbor(x, [2 * h, 2 * h]), reps)]);
    const grad = () => tf.engine().runKernel('ResizeNearestNeighborGrad', { images: x, dy }, { alignCorners: false, halfPixelCenters: false }) as tf.Tensor;
    rows.push([backend, up, 'ResizeNearestNeighborGrad', ...stockVsCustom(backend, [], grad, reps)]);
    const bn = () =>
      tf.tidy(() => {
        const f = (t: tf.Tensor) => {
          const { mean, variance } = tf.moments(t, [0, 1, 2]);
          return tf.sum(tf.square(tf.batchNorm(t, mean, variance, tf.zeros([c]), tf.ones([c]), 1e-5)));
        };
        return tf.grad(f)(x);
      });
    rows.push([backend, `batchNorm fwd+bwd [${n},${h},${h},${c}]`, 'moments+batchNorm+grad', ...stockVsCustom(backend, ['Tile', 'Sub', 'Mean'], bn, reps)]);
    tf.dispose([x, dy]);
  }
  // A dense layer's gradients are transposed products: dx = dy·Wᵀ and dW = xᵀ·dy.
  const x = tf.randomNormal([n, 1024]) as tf.Tensor2D;
  const w = tf.randomNormal([1024, 784]) as tf.Tensor2D;
  const dy = tf.randomNormal([n, 784]) as tf.Tensor2D;
  const dense: [string, () => tf.Tensor][] = [
    ['x·W', () => tf.matMul(x, w)],
    ['dy·Wᵀ', () => tf.matMul(dy, w, false, true)],
    ['xᵀ·dy', () => tf.matMul(x, dy, true, false)],
  ];
  for (const [what, run] of dense) {
    rows.push([backend, `dense ${n}×1024→784 ${what}`, 'BatchMatMul', ...stockVsCustom(backend, ['BatchMatMul'], run, reps)]);
  }
  tf.dispose([x, w, dy]);
  return rows;
}

function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((v) => fmt(v)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  for (const [i, r] of cells.entries()) {
    console.log(r.map((v, j) => (j >= 3 ? String(v).padStart(widths[j]!) : String(v).padEnd(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

const speedup = (stock: number | string, custom: number | string) =>
  typeof stock === 'number' && typeof custom === 'number' ? `${(stock / custom).toFixed(1)}×` : '';

// ---- whole training steps ----------------------------------------------------------------------

type Net = { vars: tf.Variable[]; forward: (x: tf.Tensor) => tf.Tensor };

function variable(shape: number[], std: number, seed: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed)));
}

function batchNorm(x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const c = x.shape[3]!;
  return tf.batchNorm(x, mean, variance, tf.zeros([c]), tf.ones([c]), 1e-5);
}

function generator(n: number): Net {
  const proj = variable([100, 7 * 7 * 128], 0.02, 1);
  const w1 = variable([4, 4, 64, 128], 0.02, 2);
  const w2 = variable([4, 4, 1, 64], 0.02, 3);
  return {
    vars: [proj, w1, w2],
    forward: (z) => {
      let h: tf.Tensor = tf.reshape(tf.matMul(z as tf.Tensor2D, proj as tf.Tensor2D), [n, 7, 7, 128]);
      h = tf.relu(batchNorm(h));
      h = tf.relu(batchNorm(tf.conv2dTranspose(h as tf.Tensor4D, w1 as tf.Tensor4D, [n, 14, 14, 64], 2, 'same')));
      return tf.tanh(tf.conv2dTranspose(h as tf.Tensor4D, w2 as tf.Tensor4D, [n, 28, 28, 1], 2, 'same'));
    },
  };
}

function critic(): Net {
  const w1 = variable([4, 4, 1, 64], 0.02, 4);
  const w2 = variable([4, 4, 64, 128], 0.02, 5);
  const wd = variable([7 * 7 * 128, 1], 0.02, 6);
  return {
    vars: [w1, w2, wd],
    forward: (x) => {
      let h = leakyRelu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same'));
      h = leakyRelu(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same'));
      return tf.matMul(tf.reshape(h, [-1, 7 * 7 * 128]), wd as tf.Tensor2D);
    },
  };
}

/** One D step + one G step (BCE), or a D step with gradient penalty (WGAN-GP). Gradients only. */
function trainStep(g: Net, d: Net, n: number, loss: 'bce' | 'wgan-gp'): void {
  tf.tidy(() => {
    const real = tf.randomUniform([n, 28, 28, 1], -1, 1) as tf.Tensor4D;
    const z = tf.randomNormal([n, 100]);
    const fake = g.forward(z);
    const dLoss = () => {
      if (loss === 'bce') {
        return tf.add(tf.mean(sigmoidCrossEntropyWithLogits(d.forward(real), 1)), tf.mean(sigmoidCrossEntropyWithLogits(d.forward(fake), 0))) as tf.Scalar;
      }
      const eps = tf.randomUniform([n, 1, 1, 1]);
      const mixed = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
      const grad = tf.grad((x: tf.Tensor) => tf.sum(d.forward(x)))(mixed);
      const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2, 3]), 1e-12));
      const gp = tf.mul(10, tf.mean(tf.square(tf.sub(norm, 1))));
      return tf.add(tf.sub(tf.mean(d.forward(fake)), tf.mean(d.forward(real))), gp) as tf.Scalar;
    };
    const dg = tf.variableGrads(dLoss, d.vars);
    Object.values(dg.grads).forEach((t) => t.dataSync());
    const gLoss = () => tf.mean(sigmoidCrossEntropyWithLogits(d.forward(g.forward(z)), 1)) as tf.Scalar;
    const gg = tf.variableGrads(gLoss, g.vars);
    Object.values(gg.grads).forEach((t) => t.dataSync());
  });
}

type Variant = [string, string[] | null];

function benchSteps(backend: TrainingBackendName, n: number, variants: Variant[], reps: number): (string | number)[][] {
  const g = generator(n);
  const d = critic();
  const rows: (string | number)[][] = [];
  for (const loss of ['bce', 'wgan-gp'] as const) {
    for (const [name, only] of variants) {
      restoreStockKernels(backend);
      registerTrainingKernels(backend, only ? { only } : {});
      const ms = time(() => (trainStep(g, d, n, loss), []), reps);
      rows.push([backend, name, loss, String(n), ms, typeof ms === 'number' ? ((n * 1000) / ms).toFixed(1) : '']);
    }
  }
  registerTrainingKernels(backend);
  tf.dispose([...g.vars, ...d.vars]);
  return rows;
}

await ensureGradientsRegistered();
const all: (string | number)[][] = [];
const steps: (string | number)[][] = [];
for (const backend of ['wasm', 'cpu'] as const) {
  if (backend === 'cpu' && args.includes('--no-cpu')) continue;
  await tf.setBackend(backend);
  await tf.ready();
  const n = backend === 'wasm' ? BATCH : CPU_BATCH;
  const reps = backend === 'wasm' ? REPS : Math.min(REPS, 2);
  if (!args.includes('--steps-only')) {
    for (const layer of LAYERS) {
      for (const [be, lname, kernel, stock, custom] of benchLayer(backend, n, layer, reps)) {
        all.push([be, `${lname} (n=${n})`, kernel, stock, custom, speedup(stock, custom)]);
      }
    }
    for (const [be, lname, kernel, stock, custom] of benchOthers(backend, n, reps)) {
      all.push([be, lname, kernel, stock, custom, speedup(stock, custom)]);
    }
  }
  if (args.includes('--no-steps')) continue;
  const variants: Variant[] =
    backend === 'wasm'
      ? [
          ['stock', []],
          ['+ Conv2DBackpropFilter', ['Conv2DBackpropFilter']],
          ['+ Conv2DBackpropInput', ['Conv2DBackpropFilter', 'Conv2DBackpropInput']],
          ['all training kernels', null],
        ]
      : // A stock cpu step needs minutes (its filter gradient alone is ~20 s per call at batch 8).
        [
          ...(args.includes('--cpu-stock-step')
            ? ([
                ['stock', []],
                ['+ Conv2DBackpropFilter', ['Conv2DBackpropFilter']],
              ] as Variant[])
            : []),
          ['all training kernels', null],
        ];
  steps.push(...benchSteps(backend, n, variants, backend === 'wasm' ? Math.max(3, Math.ceil(REPS / 2)) : 2));
}
if (all.length > 0) {
  printTable('Kernels (ms, median; "missing" = no kernel registered; — = not replaced)', ['backend', 'layer', 'kernel', 'stock', 'custom', 'speed-up'], all);
}
if (steps.length > 0) {
  printTable('Whole training step: D step + G step gradients, 28-px DCGAN (ms, median)', ['backend', 'kernels', 'loss', 'batch', 'ms/step', 'img/s'], steps);
}
