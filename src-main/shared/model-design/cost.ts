/**
 * What a training step costs before it runs: analytic FLOPs (multiply-add = 2) for the benchmark's
 * GFLOP/s and the Model view, and an estimate of the memory a step needs, for refusing models that
 * would not fit the wasm heap. Pure (no tfjs), so the renderer computes it too.
 */
import { R1_EVERY, usesR1, type TrainConfig } from '../../api/train-config';
import { dcganPlan, discriminatorPlan, generatorPlan, type NetworkPlan } from './plan';

/** Forward FLOPs of G for one image. */
export function generatorFlops(config: TrainConfig['model']): number {
  return generatorPlan(config).flops;
}

/** Forward FLOPs of D for one image. */
export function discriminatorFlops(config: TrainConfig['model']): number {
  return discriminatorPlan(config).flops;
}

/**
 * FLOPs of one training step (n_critic D updates + one G update). A backward pass costs about
 * twice its forward; WGAN-GP's penalty adds a forward, an input gradient and the gradient of that,
 * and R1 the same on the real images, on each critic update of one step in R1_EVERY.
 * G runs forward once per critic update: its last forward is recorded and reused by the G update
 * (engine/ops/recorded.ts), which then adds only G's backward.
 */
export function trainStepFlops(config: TrainConfig, nCritic = config.nCritic): number {
  const g = generatorFlops(config.model);
  const d = discriminatorFlops(config.model);
  const penalty = config.loss.kind === 'wgan-gp' ? 9 * d : usesR1(config.loss) ? (9 * d) / R1_EVERY : 0;
  const dStep = g + 6 * d + penalty;
  const gStep = 2 * g + 3 * d;
  return config.batchSize * (nCritic * dStep + gStep);
}

/**
 * The largest heap tfjs-backend-wasm 4.22 can grow to: its emscripten build's getHeapMax() is
 * 4,294,901,760 bytes (65,535 pages of 64 KiB, 64 KiB short of 4 GiB), and the heap never shrinks.
 * A step that needs more aborts the wasm instance ("RuntimeError: Aborted()"), which takes the
 * backend down with it. Measured on a 64-px DCGAN (z 100, widths 64) on wasm with ONNX Runtime and
 * the fused operations (2026-12-04): batch 128 grew the heap to 2.04 GB (estimate 1.92 GB), batch
 * 256 to 3.36 GB (estimate 3.28 GB); op by op, batch 144 had hit the limit. The heap runs at
 * 1.03–1.07× trainingMemory().total (more for small models, whose heap starts at 16 MiB), so the
 * estimate itself is compared with the limit.
 */
export const WASM_HEAP_LIMIT = 4_294_901_760;

/** Bytes per float32 element. */
const F32 = 4;
/**
 * Tensors alive per element of a layer's output at a step's peak, fitted to tf.profile's peakBytes
 * on wasm with the fused operations (2026-12-04: the presets, 28 and 64 px, batch 8–64, RGB,
 * upsample+conv, DiffAugment, WGAN-GP; the transient part within ±13 %, the tests allow ±15 % of
 * the total). G's forward is taped in the last D update and kept until G's update differentiates
 * through it; D runs on real and fake; the penalty adds a double backward. (Op by op, before batch
 * norm, leaky ReLU and Adam were fused on wasm, these were 11, 12 and 40, and the optimiser's 15.)
 */
const PER_G_ELEMENT = 3;
const PER_D_ELEMENT = 6.5;
const PER_D_ELEMENT_GP = 28;
/** Tensors that are not layer outputs: upsampled inputs of upsample+conv, conditional class planes. */
const PER_EXTRA_ELEMENT = 6;
/** DiffAugment's intermediates per pixel and policy (translation, colour, cutout), on real and fake images. */
const PER_AUGMENTED_ELEMENT = 13;
/** The optimiser's update: each weight's gradient and its new value and moments, per weight of the larger network. */
const OPTIMIZER_TEMPORARIES = 8;

/**
 * The most floats of im2col/col2im columns one product reads on wasm with ONNX Runtime (a batch
 * whose columns are larger runs in chunks of whole images). They live on the wasm heap for the
 * product, outside any tensor.
 */
export const COLUMNS_CAP_FLOATS = 1 << 26;

/**
 * Floats of the largest columns a convolution of `plan` needs per image: its multiply-adds over the
 * channels of its low-resolution side (a strided convolution's output, a transposed one's input;
 * upsample+conv's output), which is the im2col of the other side and the col2im into it.
 */
function columnsPerImage(plan: NetworkPlan): number {
  let most = 0;
  let channels = 0;
  for (const row of plan.rows) {
    const c = row.output.length === 3 ? row.output[2]! : 0;
    if (/conv/i.test(row.op) && channels > 0) most = Math.max(most, row.flops / 2 / (/^Transposed/.test(row.op) ? channels : c));
    if (c) channels = c;
  }
  return most;
}

export interface MemoryEstimate {
  /** G, D and G's moving average. */
  weights: number;
  /** Adam's two moments (RMSProp: mean square and momentum) for both networks. */
  optimizer: number;
  /** The peak of what a step creates and frees: activations and gradients, or the optimiser's update. */
  transient: number;
  /** The largest im2col/col2im columns on the wasm heap, outside any tensor (wasm with ONNX Runtime). */
  columns: number;
  /** Peak bytes of a training step: tensors and columns. */
  total: number;
}

/** The settings a too-big design is made smaller with: how to halve each (not below its minimum). */
const SHRINKABLE = {
  batchSize: (c: TrainConfig): TrainConfig => ({ ...c, batchSize: Math.max(2, Math.floor(c.batchSize / 2)) }),
  'model.gWidth': (c: TrainConfig): TrainConfig => ({ ...c, model: { ...c.model, gWidth: Math.max(4, Math.floor(c.model.gWidth / 2)) } }),
  'model.dWidth': (c: TrainConfig): TrainConfig => ({ ...c, model: { ...c.model, dWidth: Math.max(4, Math.floor(c.model.dWidth / 2)) } }),
} as const;

export interface MemoryShare {
  path: keyof typeof SHRINKABLE;
  /** Bytes a step would need less with that setting halved. */
  saved: number;
}

/**
 * Which setting makes a step's memory large, by what halving each would save — batch size scales
 * the activations; the widths the weights, the optimiser's state and the activations too — most
 * first. The resolution is left out: it comes from the dataset.
 */
export function memoryShares(config: TrainConfig): MemoryShare[] {
  const total = trainingMemory(config).total;
  return (Object.keys(SHRINKABLE) as MemoryShare['path'][])
    .map((path) => ({ path, saved: total - trainingMemory(SHRINKABLE[path](config)).total }))
    .sort((a, b) => b.saved - a.saved);
}

/** Peak tensor memory of one training step, in bytes. */
export function trainingMemory(config: TrainConfig): MemoryEstimate {
  const { model } = config;
  const g = generatorPlan(model);
  const d = discriminatorPlan(model);
  let extra = 0;
  if (model.architecture !== 'mlp' && model.upsample === 'upsample-conv') {
    const { base, upsamplings } = dcganPlan(model.resolution);
    const first = model.gWidth * 2 ** upsamplings;
    for (let i = 0, size = base * 2, cin = first; i < upsamplings; i++, size *= 2, cin /= 2) extra += size * size * cin;
  }
  if (model.architecture === 'cdcgan') extra += model.resolution ** 2 * (model.channels + model.numClasses);
  // R1's steps hold what a penalty step holds.
  const perD = config.loss.kind === 'wgan-gp' || usesR1(config.loss) ? PER_D_ELEMENT_GP : PER_D_ELEMENT;
  const augmented = model.resolution ** 2 * model.channels * config.augment.diffAugment.length;
  const perImage = PER_G_ELEMENT * g.activations + perD * d.activations + PER_EXTRA_ELEMENT * extra + PER_AUGMENTED_ELEMENT * augmented;
  const weights = F32 * (g.params * (config.emaDecay > 0 ? 2 : 1) + d.params);
  const optimizer = F32 * 2 * (g.params + d.params);
  const transient = Math.max(
    F32 * (config.batchSize * perImage + Math.max(g.params, d.params)),
    F32 * OPTIMIZER_TEMPORARIES * Math.max(g.params, d.params),
  );
  const columns = F32 * Math.min(COLUMNS_CAP_FLOATS, config.batchSize * Math.max(columnsPerImage(g), columnsPerImage(d)));
  return { weights, optimizer, transient, columns, total: weights + optimizer + transient + columns };
}
