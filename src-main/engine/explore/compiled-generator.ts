/**
 * An inference-only form of a DCGAN generator with transposed convolutions, for the explorer's
 * interactive renders. On wasm the engine's Conv2DBackpropInput kernel re-reads and re-arranges
 * the whole filter on every call (right for training, where weights change each step); with a
 * checkpoint's fixed weights that rearrangement is most of a 64-px image's time. Here it is done
 * once per checkpoint:
 * - each stride-2 transposed convolution becomes stride-1 convolutions on the low-resolution input
 *   (one per output phase, or one 3×3 "sub-pixel" convolution for narrow layers, where concatenating
 *   phases costs more than the zero taps) followed by a pixel shuffle (Shi et al. 2016);
 * - batch norm (running statistics) is folded into the weights, so each layer is one fused
 *   convolution with bias and ReLU.
 * compile() checks the result against the generator's own forward pass and returns null (the
 * caller then uses LoadedGenerator.generate) when the architecture is one it does not handle or
 * the two disagree, so a change to models/generator.ts can slow this down but never make it wrong.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dcganPlan } from '../../shared/model-design/plan';
import { tfSeed } from '../ops/seed';
import type { LoadedGenerator } from '../sampling';

const EPSILON = 1e-5; // models/layers.ts makeBatchNorm's default
const KERNEL = 4;
const STRIDE = 2;
/** 'same' padding of a stride-2, 4-tap transposed convolution: one row before. */
const TOP = Math.floor((KERNEL - STRIDE) / 2);
/** Below this many output channels one 3×3 convolution beats four phase convolutions plus a concat. */
const PHASES_FROM_CHANNELS = 16;
const TOLERANCE = 1e-3;

type Layer =
  | { kind: 'phases'; filters: tf.Tensor4D[]; bias: tf.Tensor1D; last: boolean }
  | { kind: 'subpixel'; filter: tf.Tensor4D; bias: tf.Tensor1D; last: boolean };

export class CompiledGenerator {
  private constructor(
    private readonly project: Project,
    private readonly layers: Layer[],
  ) {}

  /** Null when `g` is not a DCGAN with transposed convolutions, or the compiled form disagrees with it. */
  static async compile(g: LoadedGenerator): Promise<CompiledGenerator | null> {
    const { model } = g.config;
    if (model.architecture === 'mlp' || model.upsample !== 'transposed') return null;
    let compiled: CompiledGenerator;
    try {
      const { project, layers } = await build(g);
      compiled = new CompiledGenerator(project, layers);
    } catch {
      return null; // Parameters not where this expects them: not an architecture it knows.
    }
    if (await agrees(g, compiled)) return compiled;
    compiled.dispose();
    return null;
  }

  /** Same contract as LoadedGenerator.forward (z with the one-hot classes already appended or not). */
  forward(input: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => {
      const { weight, bias, shape } = this.project;
      let h = tf.reshape(tf.fused.matMul({ a: input, b: weight, bias, activation: 'relu' }), [-1, ...shape]) as tf.Tensor4D;
      for (const layer of this.layers) {
        const activation = layer.last ? 'linear' : 'relu';
        const y =
          layer.kind === 'subpixel'
            ? tf.fused.conv2d({ x: h, filter: layer.filter, strides: 1, pad: 'same', bias: layer.bias, activation })
            : tf.concat(layer.filters.map((filter, p) => tf.fused.conv2d({ x: h, filter, strides: 1, pad: phasePadding(p), bias: layer.bias, activation })), 3);
        h = pixelShuffle(y as tf.Tensor4D);
        if (layer.last) h = tf.tanh(h);
      }
      return h;
    });
  }

  dispose(): void {
    tf.dispose([this.project.weight, this.project.bias]);
    for (const layer of this.layers) tf.dispose(layer.kind === 'phases' ? [...layer.filters, layer.bias] : [layer.filter, layer.bias]);
  }
}

/**
 * depthToSpace with block 2: [n, h, w, 4c] with channels ordered (row phase, column phase, c) →
 * [n, 2h, 2w, c]. As one rank-4 transpose of a reshaped view, because tfjs-wasm's DepthToSpace is
 * 50–100× slower than its Transpose (measured: 259 ms against 4 ms for a 16×16×256 batch of 16).
 */
function pixelShuffle(y: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, depth] = y.shape;
  const c = depth / (STRIDE * STRIDE);
  // Memory order (n, h, w, rowPhase, colPhase·c) → (n, h, rowPhase, w, colPhase·c) = (n, 2h, 2w, c).
  return tf.reshape(tf.transpose(tf.reshape(y, [n * h, w, STRIDE, STRIDE * c]), [0, 2, 1, 3]), [n, STRIDE * h, STRIDE * w, c]);
}

/** Phase p = 2·rowPhase + colPhase reads input offsets {−1, 0} for phase 0 and {0, +1} for phase 1. */
function phasePadding(p: number): [[number, number], [number, number], [number, number], [number, number]] {
  const axis = (phase: number): [number, number] => (phase === 0 ? [1, 0] : [0, 1]);
  return [[0, 0], axis(p >> 1), axis(p & 1), [0, 0]];
}

/** The transposed-conv tap that input offset `offset` (−1, 0, +1) contributes to output phase `phase`, or −1. */
function tap(phase: number, offset: number): number {
  // out[2q + phase] = Σ in[i]·W[k] over 2i + k − TOP = 2q + phase, i.e. k = phase + TOP − 2·offset.
  const k = phase + TOP - STRIDE * offset;
  return k >= 0 && k < KERNEL ? k : -1;
}

type Project = { weight: tf.Tensor2D; bias: tf.Tensor1D; shape: [number, number, number] };
/** A layer's weights as plain arrays: every parameter is read before any tensor is made, so a missing one leaks nothing. */
type LayerData = { kind: Layer['kind']; filters: { values: Float32Array; shape: [number, number, number, number] }[]; bias: Float32Array; last: boolean };

async function build(g: LoadedGenerator): Promise<{ project: Project; layers: Layer[] }> {
  const vars = g.generator.params.variables;
  const read = async (name: string) => {
    const v = vars.get(name);
    if (!v) throw new Error(`missing ${name}`);
    return { data: (await v.data()) as Float32Array, shape: v.shape };
  };
  /** Batch norm with running statistics as y·scale + shift per channel. */
  const norm = async (name: string) => {
    const [gamma, beta, mean, variance] = await Promise.all(['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) => read(`${name}/${p}`)));
    const scale = gamma!.data.map((gm, c) => gm / Math.sqrt(variance!.data[c]! + EPSILON));
    return { scale, shift: beta!.data.map((b, c) => b - mean!.data[c]! * scale[c]!) };
  };

  const { base, upsamplings } = dcganPlan(g.config.model.resolution);
  const kernel = await read('g/project/kernel');
  const [inDim, units] = kernel.shape as [number, number];
  const bn = await norm('g/project_bn');
  const first = bn.scale.length;
  const weight = kernel.data.map((w, i) => w * bn.scale[(i % units) % first]!);
  const bias = Float32Array.from({ length: units }, (_, u) => bn.shift[u % first]!);

  const layers: LayerData[] = [];
  for (let i = 0; i < upsamplings; i++) {
    const last = i === upsamplings - 1;
    const w = await read(`g/up${i}/kernel`);
    const [kH, kW, out, inC] = w.shape as [number, number, number, number];
    if (kH !== KERNEL || kW !== KERNEL) throw new Error('unexpected kernel size');
    const { scale, shift } = last ? { scale: new Float32Array(out).fill(1), shift: (await read(`g/up${i}/bias`)).data } : await norm(`g/up${i}_bn`);
    const at = (kh: number, kw: number, co: number, ci: number) => w.data[((kh * KERNEL + kw) * out + co) * inC + ci]! * scale[co]!;
    layers.push(out >= PHASES_FROM_CHANNELS ? phaseLayer(at, inC, out, shift, last) : subpixelLayer(at, inC, out, shift, last));
  }
  return {
    project: { weight: tf.tensor2d(weight, [inDim, units]), bias: tf.tensor1d(bias), shape: [base, base, first] },
    layers: layers.map((l): Layer => {
      const filters = l.filters.map((f) => tf.tensor4d(f.values, f.shape));
      return l.kind === 'phases' ? { kind: 'phases', filters, bias: tf.tensor1d(l.bias), last: l.last } : { kind: 'subpixel', filter: filters[0]!, bias: tf.tensor1d(l.bias), last: l.last };
    }),
  };
}

type Tap = (kh: number, kw: number, co: number, ci: number) => number;

/** Four 2×2 stride-1 filters [2, 2, in, out], one per output phase. */
function phaseLayer(at: Tap, inC: number, out: number, shift: Float32Array, last: boolean): LayerData {
  const filters = [0, 1, 2, 3].map((p) => {
    const [ph, pw] = [p >> 1, p & 1];
    // Phase 0 reads offsets (−1, 0), phase 1 (0, +1): filter row r is offset r − 1 + phase.
    const f = new Float32Array(4 * inC * out);
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 2; c++) {
        const [kh, kw] = [tap(ph, r - 1 + ph), tap(pw, c - 1 + pw)];
        if (kh < 0 || kw < 0) continue;
        for (let ci = 0; ci < inC; ci++) for (let co = 0; co < out; co++) f[((r * 2 + c) * inC + ci) * out + co] = at(kh, kw, co, ci);
      }
    return { values: f, shape: [2, 2, inC, out] as [number, number, number, number] };
  });
  return { kind: 'phases', filters, bias: shift, last };
}

/** One 3×3 filter [3, 3, in, 4·out] whose output channels are the four phases, in pixelShuffle's order. */
function subpixelLayer(at: Tap, inC: number, out: number, shift: Float32Array, last: boolean): LayerData {
  const depth = 4 * out;
  const f = new Float32Array(9 * inC * depth);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 4; p++) {
        const [kh, kw] = [tap(p >> 1, r - 1), tap(p & 1, c - 1)];
        if (kh < 0 || kw < 0) continue;
        for (let ci = 0; ci < inC; ci++) for (let co = 0; co < out; co++) f[((r * 3 + c) * inC + ci) * depth + p * out + co] = at(kh, kw, co, ci);
      }
  const bias = Float32Array.from({ length: depth }, (_, d) => shift[d % out]!);
  return { kind: 'subpixel', filters: [{ values: f, shape: [3, 3, inC, depth] }], bias, last };
}

/** Whether the compiled form draws what the generator draws, on a few latents and classes. */
async function agrees(g: LoadedGenerator, compiled: CompiledGenerator): Promise<boolean> {
  const n = 3;
  const diff = tf.tidy(() => {
    let z: tf.Tensor2D = tf.randomNormal([n, g.zDim], 0, 1, 'float32', tfSeed(7));
    if (g.numClasses > 0) z = tf.concat([z, tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2].map((c) => c % g.numClasses), 'int32'), g.numClasses), 'float32')], 1) as tf.Tensor2D;
    const labels = g.numClasses > 0 ? (tf.slice(z, [0, g.zDim], [n, g.numClasses]) as tf.Tensor2D) : null;
    const reference = g.forward(tf.slice(z, [0, 0], [n, g.zDim]) as tf.Tensor2D, labels);
    return tf.max(tf.abs(tf.sub(reference, compiled.forward(z))));
  });
  const [value] = await diff.data();
  diff.dispose();
  return value! <= TOLERANCE;
}

/** Compiled forms of the generators in use, newest last; as few as the generator cache keeps. */
const compiledForms = new Map<LoadedGenerator, Promise<CompiledGenerator | null>>();
const COMPILED_KEPT = 2;

function compiledFor(g: LoadedGenerator): Promise<CompiledGenerator | null> {
  let entry = compiledForms.get(g);
  if (entry) compiledForms.delete(g);
  else entry = CompiledGenerator.compile(g).catch(() => null);
  compiledForms.set(g, entry);
  for (const [old, form] of compiledForms) {
    if (compiledForms.size <= COMPILED_KEPT) break;
    compiledForms.delete(old);
    // Renders already holding it finished their synchronous forward pass before yielding.
    void form.then((c) => c?.dispose());
  }
  return entry;
}

/**
 * Images for `z` ([n × zDim]) like LoadedGenerator.generate, through the compiled form when there is
 * one. For the explorer's small batches (its renders are at most 64 images: one pass).
 */
export async function generateImages(g: LoadedGenerator, z: Float32Array, classes?: readonly number[]): Promise<Float32Array> {
  const compiled = await compiledFor(g);
  if (!compiled) return g.generate(z, classes);
  const n = z.length / g.zDim;
  const images = tf.tidy(() => {
    let input: tf.Tensor2D = tf.tensor2d(z, [n, g.zDim]);
    if (g.numClasses > 0) {
      const picks = Array.from({ length: n }, (_, i) => classes?.[i] ?? i % g.numClasses);
      input = tf.concat([input, tf.cast(tf.oneHot(tf.tensor1d(picks, 'int32'), g.numClasses), 'float32')], 1) as tf.Tensor2D;
    }
    return compiled.forward(input);
  });
  try {
    return (await images.data()) as Float32Array;
  } finally {
    images.dispose();
  }
}
