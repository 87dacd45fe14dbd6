/**
 * Controllable generation by classifier gradients: walk z uphill on a classifier's score
 * for a target class, with a penalty on changing every other class's score (so the walk changes
 * the one feature rather than everything that correlates with it), and keep the average step as
 * a direction.
 */
import * as tf from '@tensorflow/tfjs-core';
import { latentsForSeeds, type LoadedGenerator } from '../sampling';

/** What this needs of a classifier (metrics/classifier.ts's DomainClassifier has it). */
export interface ImageClassifier {
  readonly classNames: readonly string[];
  /** NHWC images in [−1, 1] → logits [n, classes]; differentiable. */
  logits(images: tf.Tensor4D): tf.Tensor2D;
}

export interface ClassifierDirectionOptions {
  targetClass: number;
  /** Weight of the penalty on the other classes' logits moving (0: none). */
  keepOthers?: number;
  steps?: number;
  /** Length of each step in z (steps are normalised per sample). */
  stepSize?: number;
  /** Latents walked and averaged over. */
  samples?: number;
  /** Seeds of the walked latents start here (a fixed range: the same direction every time). */
  seedBase?: number;
  onStep?: (done: number, total: number) => void;
}

export interface ClassifierDirection {
  vector: Float64Array;
  /** Mean probability of the target class before and after the walk. */
  before: number;
  after: number;
}

export async function classifierDirection(g: LoadedGenerator, classifier: ImageClassifier, options: ClassifierDirectionOptions): Promise<ClassifierDirection> {
  const { targetClass, keepOthers = 1, steps = 20, stepSize = 0.15, samples = 16, seedBase = 2_000_000 } = options;
  const k = classifier.classNames.length;
  if (!Number.isInteger(targetClass) || targetClass < 0 || targetClass >= k) throw new Error(`Class ${targetClass} is outside the classifier's 0…${k - 1}.`);
  const seeds = Array.from({ length: samples }, (_, i) => seedBase + i);
  const start = tf.tensor2d(latentsForSeeds(seeds, g.zDim, g.config.model.zDistribution), [samples, g.zDim]);
  const labels = g.numClasses > 0 ? tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(seeds.map((_, i) => i % g.numClasses), 'int32'), g.numClasses), 'float32') as tf.Tensor2D) : null;
  const target = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([targetClass], 'int32'), k), 'float32'));
  const logitsOf = (z: tf.Tensor2D) => classifier.logits(g.forward(z, labels));
  const startLogits = tf.tidy(() => logitsOf(start));
  let z = start.clone();
  try {
    const objective = (zv: tf.Tensor2D) => {
      const logits = logitsOf(zv);
      const score = tf.sum(tf.mul(logits, target), 1);
      // Squared change of the other logits; the target's own column is masked out.
      const drift = tf.sum(tf.mul(tf.square(tf.sub(logits, startLogits)), tf.sub(1, target)), 1);
      return tf.sum(tf.sub(score, tf.mul(drift, keepOthers / Math.max(k - 1, 1))));
    };
    const gradient = tf.grad((zv: tf.Tensor) => objective(zv as tf.Tensor2D));
    for (let step = 0; step < steps; step++) {
      const next = tf.tidy(() => {
        const g0 = gradient(z);
        const norms = tf.add(tf.norm(g0, 'euclidean', 1, true), 1e-12);
        return tf.add(z, tf.mul(tf.div(g0, norms), stepSize)) as tf.Tensor2D;
      });
      z.dispose();
      z = next;
      options.onStep?.(step + 1, steps);
      // The engine's other work (a training step, a render) gets a turn between steps.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const [moved, before, after] = tf.tidy(() => [
      tf.mean(tf.sub(z, start), 0),
      tf.mean(tf.gather(tf.softmax(startLogits), [targetClass], 1)),
      tf.mean(tf.gather(tf.softmax(logitsOf(z)), [targetClass], 1)),
    ]);
    const values = Float64Array.from(await moved!.data());
    const [b, a] = [(await before!.data())[0]!, (await after!.data())[0]!];
    tf.dispose([moved!, before!, after!]);
    const length = Math.hypot(...values);
    if (!(length > 0)) throw new Error('The classifier gave no gradient to follow from these samples.');
    return { vector: values.map((v) => v / length), before: b, after: a };
  } finally {
    tf.dispose([start, z, startLogits, target, ...(labels ? [labels] : [])]);
  }
}
