/**
 * A trained generator loaded from one checkpoint of a run, for everything that samples after (or
 * beside) training: the latent explorer, exports and evaluation. It holds only G's weights — the
 * EMA copy when the run kept one, since that is what the run's own sample grids showed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type TrainConfig } from '../../api/train-config';
import { CheckpointStore } from '../../project/checkpoint';
import { arraysToTensors } from '../checkpoint/tensors';
import { createGenerator, type Generator } from '../models/generator';
import { generatorSpecOf } from '../models/spec';
import { runFiles, runIdOf } from '../../project/layout';
import { readRunConfig } from '../../project/run-config';

/** Images per forward pass: bounds peak memory however many images a caller asks for. */
const CHUNK = 64;

export interface CheckpointIdentity {
  runDir: string;
  runId: string;
  /** File name inside the run's checkpoints/ folder. */
  file: string;
  step: number;
  /** SHA-256 of the checkpoint file's body, for sidecars that must name exactly these weights. */
  sha256: string;
  /** Whether the weights are the EMA of G. */
  ema: boolean;
}

export class LoadedGenerator {
  private constructor(
    readonly identity: CheckpointIdentity,
    readonly config: TrainConfig,
    readonly generator: Generator,
  ) {}

  /** Loads `file` (default: the newest checkpoint that verifies) from runDir/checkpoints. */
  static async load(runDir: string, file?: string): Promise<LoadedGenerator> {
    const config = await readRunConfig(runDir);
    const store = new CheckpointStore(runFiles(runDir).checkpoints, { keepLast: config.keepCheckpoints });
    const loaded = file ? await store.loadWithInfo(file) : await store.loadLatest();
    if (!loaded) throw new Error(`The run ${runIdOf(runDir)} has no checkpoint yet: train it for a few steps first.`);
    const ema = (loaded.state.groups.ema?.length ?? 0) > 0;
    const arrays = ema ? loaded.state.groups.ema! : loaded.state.groups.generator;
    if (!arrays?.length) throw new Error(`Checkpoint ${loaded.info.file} holds no generator weights.`);
    const generator = createGenerator(generatorSpecOf(config.model), config.seed);
    const tensors = arraysToTensors(arrays);
    try {
      const byName = new Map(tensors.map(({ name, tensor }) => [name, tensor]));
      for (const [name, variable] of generator.params.variables) {
        const value = byName.get(name);
        if (!value || !tf.util.arraysEqual(value.shape, variable.shape)) {
          generator.dispose();
          throw new Error(`Checkpoint ${loaded.info.file} does not match the run's config (parameter ${name}).`);
        }
        variable.assign(value);
      }
    } finally {
      tensors.forEach(({ tensor }) => tensor.dispose());
    }
    const identity: CheckpointIdentity = {
      runDir,
      runId: runIdOf(runDir),
      file: loaded.info.file,
      step: loaded.state.step,
      sha256: loaded.info.sha256 ?? '',
      ema,
    };
    return new LoadedGenerator(identity, config, generator);
  }

  get zDim(): number {
    return this.config.model.zDim;
  }

  get numClasses(): number {
    return this.config.model.numClasses;
  }

  /** Pixel shape of one image: [H, W, C]. */
  get imageShape(): [number, number, number] {
    const { resolution, channels } = this.config.model;
    return [resolution, resolution, channels];
  }

  /**
   * G(z | y) for tensors, in inference mode (running batch-norm statistics), for callers that need
   * gradients through the generator. The caller owns the result and tidies.
   */
  forward(z: tf.Tensor2D, labels: tf.Tensor2D | null): tf.Tensor4D {
    return this.generator.forward(labels ? (tf.concat([z, labels], 1) as tf.Tensor2D) : z, false);
  }

  /**
   * Images for `n` latent rows (z is [n × zDim]); `classes[i]` is row i's class for a conditional
   * model (default: i mod numClasses). Returns [n, H, W, C] floats in [−1, 1].
   */
  async generate(z: Float32Array, classes?: readonly number[]): Promise<Float32Array> {
    const n = z.length / this.zDim;
    if (!Number.isInteger(n)) throw new Error(`z has ${z.length} values, not a multiple of zDim ${this.zDim}`);
    const [h, w, c] = this.imageShape;
    const out = new Float32Array(n * h * w * c);
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      const images = tf.tidy(() => {
        const zt = tf.tensor2d(z.subarray(start * this.zDim, (start + count) * this.zDim), [count, this.zDim]);
        return this.forward(zt, this.labelsFor(start, count, classes));
      });
      out.set((await images.data()) as Float32Array, start * h * w * c);
      images.dispose();
    }
    return out;
  }

  dispose(): void {
    this.generator.dispose();
  }

  private labelsFor(start: number, count: number, classes?: readonly number[]): tf.Tensor2D | null {
    const k = this.numClasses;
    if (k === 0) return null;
    const picks = Array.from({ length: count }, (_, i) => {
      const label = classes?.[start + i] ?? (start + i) % k;
      if (!Number.isInteger(label) || label < 0 || label >= k) throw new Error(`Class ${label} is outside 0…${k - 1}`);
      return label;
    });
    return tf.cast(tf.oneHot(tf.tensor1d(picks, 'int32'), k), 'float32') as tf.Tensor2D;
  }
}
