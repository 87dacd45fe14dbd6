/**
 * A domain classifier trained in the app on the dataset's own labels: a small convnet whose
 * penultimate layer is the feature space for FID/KID/precision-recall on small or grayscale
 * images (where ImageNet's Inception features mislead: pytorch-fid#12), and whose logits give the
 * Inception Score, class accuracy of conditional samples and (for the latent explorer)
 * classifier-gradient directions. Built from plain tf ops over a ParamStore like the GAN's own
 * networks, so it trains on every backend and saves in the checkpoint format.
 *
 * A dataset without at least two labelled classes gets the self-supervised rotation task instead
 * (Gidaris et al. 2018: predict 0/90/180/270°), which still learns shape features.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ParamStore } from '../models/params';
import { makeConv2d, makeDense, type Forward } from '../models/layers';
import type { LabelledImages } from '../dataset/mnist-demo';
import { tensorsToArrays } from '../checkpoint/tensors';
import { writeFileAtomic } from '../../project/atomic';
import { DIGEST_BYTES, decodeCheckpoint, encodeCheckpoint } from '../../project/checkpoint/format';
import { Rng } from '../rng';
import { fitImages, type FeatureExtractor } from './extractor';
import { evalDataset } from './datasets';
import { permutation } from './features';

const FORMAT = 'gan-studio-domain-classifier';
const ROTATION_CLASSES = ['0°', '90°', '180°', '270°'];
export const CLASSIFIER_FEATURES = 128;

export type ClassifierTask = 'labels' | 'rotation';

interface Spec {
  /** Square input side: 28 for digit-sized data, else 32 (larger images are downscaled). */
  size: number;
  channels: 1 | 3;
  classes: number;
  width: number;
}

export interface TrainClassifierOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Share of images held out to measure testAccuracy. */
  testFraction?: number;
  /** Caps the training images (the held-out ones are set aside first). */
  maxTrainImages?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export class DomainClassifier {
  /** SHA-256 of the saved file's body: changes whenever the weights do ('' until saved or loaded). */
  digest = '';
  #testAccuracy: number;
  /** What guessing scores on the test images (null: a classifier cached before this was kept). */
  #chance: number | null = null;

  private constructor(
    private readonly spec: Spec,
    private readonly params: ParamStore,
    private readonly net: { features: Forward; logits: Forward },
    readonly classNames: string[],
    testAccuracy: number,
    readonly task: ClassifierTask,
  ) {
    this.#testAccuracy = testAccuracy;
  }

  /** Share of held-out images classified correctly (measured once, after training). */
  get testAccuracy(): number {
    return this.#testAccuracy;
  }

  /**
   * What always guessing the most common class of the training images scores on the test images
   * (about that class's share: more than 1 in k when the classes are unbalanced), 1 in 4 for the
   * rotation task (each test image gets a random quarter turn).
   */
  get chance(): number | null {
    return this.#chance;
  }

  /** Trains on `data`'s labels (or on rotations when it has fewer than two classes). */
  static async train(data: LabelledImages, opts: TrainClassifierOptions = {}): Promise<DomainClassifier> {
    const labelled = new Set(Array.from(data.labels).filter((l) => l >= 0)).size >= 2;
    const task: ClassifierTask = labelled ? 'labels' : 'rotation';
    const classNames = labelled ? [...data.classNames] : ROTATION_CLASSES;
    const spec: Spec = { size: Math.max(data.width, data.height) <= 28 ? 28 : 32, channels: data.channels, classes: classNames.length, width: 16 };
    const seed = opts.seed ?? 1;
    const usable = labelled ? Array.from(data.labels.keys()).filter((i) => data.labels[i]! >= 0) : Array.from(data.labels.keys());
    const order = permutation(usable.length, seed).map((i) => usable[i]!);
    const testCount = Math.max(1, Math.round(order.length * (opts.testFraction ?? 0.1)));
    const test = order.subarray(0, testCount);
    const train = order.subarray(testCount, testCount + (opts.maxTrainImages ?? order.length));
    const classifier = DomainClassifier.build(spec, classNames, Number.NaN, task, seed);
    try {
      await classifier.fit(data, train, opts);
      classifier.#testAccuracy = await classifier.accuracyOn(data, test, opts.signal);
      classifier.#chance = labelled ? guessingScore(Array.from(train, (row) => data.labels[row]!), Array.from(test, (row) => data.labels[row]!)) : 1 / ROTATION_CLASSES.length;
      return classifier;
    } catch (err) {
      classifier.dispose();
      throw err;
    }
  }

  static async load(file: string): Promise<DomainClassifier> {
    const bytes = await readFile(file);
    const { state } = decodeCheckpoint(bytes);
    const meta = state.meta as { format?: string; spec?: Spec; classNames?: string[]; testAccuracy?: number; task?: ClassifierTask; chance?: unknown };
    if (meta.format !== FORMAT || !meta.spec || !meta.classNames || typeof meta.testAccuracy !== 'number' || !meta.task) {
      throw new Error(`${basename(file)} is not a GAN Studio domain classifier`);
    }
    const classifier = DomainClassifier.build(meta.spec, meta.classNames, meta.testAccuracy, meta.task, 0);
    classifier.#chance = savedChance(meta.chance);
    try {
      for (const { name, shape, data } of state.groups.params ?? []) {
        const variable = classifier.params.get(name);
        if (variable.shape.join() !== shape.join()) throw new Error(`${basename(file)}: ${name} has shape ${shape}, expected ${variable.shape}`);
        tf.tidy(() => variable.assign(tf.tensor(data, shape)));
      }
      if ((state.groups.params ?? []).length !== classifier.params.variables.size) throw new Error(`${basename(file)} is missing weights`);
    } catch (err) {
      classifier.dispose();
      throw err;
    }
    classifier.digest = bytes.subarray(bytes.length - DIGEST_BYTES).toString('hex');
    return classifier;
  }

  async save(file: string): Promise<void> {
    const named = [...this.params.variables].map(([name, tensor]) => ({ name, tensor }));
    const meta = { format: FORMAT, version: 1, spec: this.spec, classNames: this.classNames, testAccuracy: this.testAccuracy, task: this.task, chance: this.chance };
    const chunks = encodeCheckpoint({ step: 0, meta, groups: { params: await tensorsToArrays(named) } }, new Date().toISOString());
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(dirname(file), basename(file), chunks);
    this.digest = Buffer.from(chunks.at(-1)!).toString('hex');
  }

  /** images NHWC in [−1, 1], any size and channel count → logits [n, classes]. Differentiable. */
  logits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.net.logits(this.net.features(this.prepare(images), false), false) as tf.Tensor2D);
  }

  /** The penultimate layer (after ReLU): [n, 128]. */
  features(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.net.features(this.prepare(images), false) as tf.Tensor2D);
  }

  /** Both at once, sharing the forward pass. */
  featuresAndLogits(images: tf.Tensor4D): { features: tf.Tensor2D; logits: tf.Tensor2D } {
    const features = this.features(images);
    const logits = tf.tidy(() => this.net.logits(features, false) as tf.Tensor2D);
    return { features, logits };
  }

  get inputShape(): [number, number, number] {
    return [this.spec.size, this.spec.size, this.spec.channels];
  }

  dispose(): void {
    this.params.dispose();
  }

  private static build(spec: Spec, classNames: string[], testAccuracy: number, task: ClassifierTask, seed: number): DomainClassifier {
    const params = new ParamStore(seed);
    const { size, channels, width, classes } = spec;
    const conv1 = makeConv2d(params, 'c/conv1', 3, channels, width, 2);
    const conv2 = makeConv2d(params, 'c/conv2', 3, width, width * 2, 2);
    const flat = Math.ceil(size / 4) ** 2 * width * 2;
    const hidden = makeDense(params, 'c/fc', flat, CLASSIFIER_FEATURES);
    const out = makeDense(params, 'c/out', CLASSIFIER_FEATURES, classes);
    // He-style scaling instead of the GANs' N(0, 0.02): this net is trained from scratch in a few epochs.
    tf.tidy(() => {
      for (const [name, v] of params.variables) {
        if (!name.endsWith('/kernel')) continue;
        const fanIn = v.shape.slice(0, -1).reduce((a, b) => a * b, 1);
        v.assign(tf.mul(v, Math.sqrt(2 / fanIn) / 0.02));
      }
    });
    const net = {
      features: (x: tf.Tensor, training: boolean) => tf.relu(hidden(tf.reshape(tf.relu(conv2(tf.relu(conv1(x, training)), training)), [-1, flat]), training)),
      logits: (h: tf.Tensor, training: boolean) => out(h, training),
    };
    return new DomainClassifier(spec, params, net, classNames, testAccuracy, task);
  }

  private prepare(images: tf.Tensor4D): tf.Tensor4D {
    return fitImages(images, this.spec.size, this.spec.size, this.spec.channels);
  }

  /** A batch of the rows at `indices` (rotated with random quarter turns for the rotation task). */
  private batch(data: LabelledImages, indices: ArrayLike<number>, rng: Rng): { x: tf.Tensor4D; y: tf.Tensor2D } {
    const pixels = data.width * data.height * data.channels;
    const bytes = new Uint8Array(indices.length * pixels);
    const labels = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const row = indices[i]!;
      bytes.set(data.images.subarray(row * pixels, (row + 1) * pixels), i * pixels);
      labels[i] = this.task === 'labels' ? data.labels[row]! : rng.int(4);
    }
    return tf.tidy(() => {
      let x = this.prepare(tf.sub(tf.div(tf.tensor4d(bytes, [indices.length, data.height, data.width, data.channels], 'float32'), 127.5), 1) as tf.Tensor4D);
      if (this.task === 'rotation') x = rotateQuarterTurns(x, labels);
      return { x, y: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), this.spec.classes), 'float32') as tf.Tensor2D };
    });
  }

  private async fit(data: LabelledImages, train: Int32Array, opts: TrainClassifierOptions): Promise<void> {
    const epochs = opts.epochs ?? 3;
    const batchSize = opts.batchSize ?? 64;
    const optimizer: tf.Optimizer = tf.train.adam(opts.learningRate ?? 3e-3);
    const rng = new Rng((opts.seed ?? 1) ^ 0x3c6ef372);
    const steps = Math.ceil(train.length / batchSize);
    const vars = this.params.trainable();
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = permutation(train.length, rng.seed());
        for (let s = 0; s < steps; s++) {
          opts.signal?.throwIfAborted();
          const rows = Array.from(order.subarray(s * batchSize, (s + 1) * batchSize), (i) => train[i]!);
          tf.tidy(() => {
            const { x, y } = this.batch(data, rows, rng);
            const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, this.net.logits(this.net.features(x, true), true)) as tf.Scalar, vars);
            optimizer.applyGradients(grads);
          });
          opts.onProgress?.(epoch * steps + s + 1, epochs * steps);
          // Training a classifier can take a minute: keep the engine answering meanwhile.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      optimizer.dispose();
    }
  }

  private async accuracyOn(data: LabelledImages, rows: Int32Array, signal?: AbortSignal): Promise<number> {
    const rng = new Rng(0x9e3779b9);
    let correct = 0;
    for (let start = 0; start < rows.length; start += 256) {
      signal?.throwIfAborted();
      const hits = tf.tidy(() => {
        const { x, y } = this.batch(data, rows.subarray(start, start + 256), rng);
        return tf.sum(tf.cast(tf.equal(tf.argMax(this.logits(x), 1), tf.argMax(y, 1)), 'int32'));
      });
      correct += (await hits.data())[0]!;
      hits.dispose();
    }
    return correct / rows.length;
  }
}

/**
 * What the better of two label-blind guessers scores on the test images: one that always answers
 * the training images' most common class (learned from the training labels only, as the
 * classifier's own answers are), and one that answers a class at random (1 in k on average). The
 * first alone is noisy on a small test split: with 4 balanced classes and 30 test images it scored
 * 13 %, below the 25 % any guess gets on average.
 */
export function guessingScore(trainLabels: readonly number[], testLabels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const label of trainLabels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let guess = trainLabels[0];
  for (const [label, count] of counts) if (count > counts.get(guess!)!) guess = label;
  if (!testLabels.length) return 0;
  const classes = new Set([...trainLabels, ...testLabels]).size;
  return Math.max(1 / classes, testLabels.filter((label) => label === guess).length / testLabels.length);
}

/** A saved classifier's guessing baseline, or null when it has none (saved before it was kept) or it is not a share. */
export function savedChance(value: unknown): number | null {
  return typeof value === 'number' && value >= 0 && value <= 1 ? value : null;
}

/** Rotates each image by labels[i] quarter turns (square images). */
function rotateQuarterTurns(x: tf.Tensor4D, turns: Int32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const once = (t: tf.Tensor4D) => tf.reverse(tf.transpose(t, [0, 2, 1, 3]), 1) as tf.Tensor4D;
    const r1 = once(x);
    const r2 = once(r1);
    const r3 = once(r2);
    const options = tf.stack([x, r1, r2, r3], 1); // [n, 4, H, W, C]
    const [n, , h, w, c] = options.shape as [number, number, number, number, number];
    const index = Int32Array.from(turns, (turn, i) => i * 4 + turn);
    return tf.gather(tf.reshape(options, [n * 4, h, w, c]), tf.tensor1d(index, 'int32')) as tf.Tensor4D;
  });
}

export interface ClassifierForOptions extends TrainClassifierOptions {
  /** Folder for the cached classifier (the project's evaluation/); none: train without caching. */
  cacheDir?: string | null;
}

/** Trainings in progress by cache file, so two requests never train the same classifier twice. */
const training = new Map<string, Promise<void>>();

/**
 * The domain classifier of a dataset — "demo:mnist" or a project folder's import — loaded from the
 * cache (<cacheDir>/classifier-<dataset key>.gsc) or trained and cached. Every call returns its own
 * instance: the caller disposes it.
 */
export async function classifierFor(source: string, options: ClassifierForOptions = {}): Promise<DomainClassifier> {
  const dataset = await evalDataset(source);
  const cacheDir = options.cacheDir ?? null;
  if (!cacheDir) return DomainClassifier.train(await dataset.load(), options);
  const file = join(cacheDir, `classifier-${dataset.key}.gsc`);
  try {
    return await DomainClassifier.load(file);
  } catch {
    // Missing, or damaged (the digest did not verify): train a fresh one in its place.
  }
  let pending = training.get(file);
  if (!pending) {
    pending = (async () => {
      const classifier = await DomainClassifier.train(await dataset.load(), options);
      try {
        await classifier.save(file);
      } finally {
        classifier.dispose();
      }
    })().finally(() => training.delete(file));
    training.set(file, pending);
  }
  await pending;
  return DomainClassifier.load(file);
}

/** The classifier as a feature extractor: penultimate features, and logits when its classes are the data's. */
export function classifierExtractor(classifier: DomainClassifier): FeatureExtractor {
  const labelled = classifier.task === 'labels';
  const percent = (classifier.testAccuracy * 100).toFixed(1);
  return {
    kind: 'classifier',
    key: `classifier-${classifier.digest.slice(0, 16) || 'unsaved'}`,
    label: labelled
      ? `Domain classifier (${classifier.classNames.length} classes, ${percent}% test accuracy)`
      : `Domain classifier (self-supervised rotation task, ${percent}% test accuracy)`,
    dim: CLASSIFIER_FEATURES,
    // Rotation logits say nothing about the data's classes: no Inception Score from them.
    classes: labelled ? classifier.classNames.length : 0,
    batchSize: 256,
    apply: (images) => {
      const { features, logits } = classifier.featuresAndLogits(images);
      if (labelled) return { features, logits };
      logits.dispose();
      return { features, logits: null };
    },
    dispose: () => classifier.dispose(),
  };
}
