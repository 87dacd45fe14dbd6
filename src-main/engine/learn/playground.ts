/**
 * The Learn playground's GAN: MLP generator and discriminator (two hidden layers of 64, leaky ReLU)
 * on 2-D points, trained with the engine's own losses (createLoss, gradientPenalty) and optimisers
 * (createOptimizer), and the frame the view draws: real and generated points, D's surface on a grid,
 * and where the generator's loss pushes each generated point.
 *
 * Deterministic: the training draws come from one seeded Rng, and the frame uses its own fixed
 * latents and display points, so how often frames are drawn never changes what the models learn.
 */
import * as tf from '@tensorflow/tfjs-core';
import { HEAT_SIZE, LEARN_EXTENT, type LearnFrame, type LearnSettings } from '../../api/learn';
import { createLoss, gradientPenalty, type GanLoss } from '../losses/losses';
import { createOptimizer } from '../training/optimizer';
import { tfSeed } from '../ops/seed';
import { Rng } from '../rng';
import { modesCovered, modesOf, samplePoints } from './distributions';

export const LEARN_BATCH = 256;
const HIDDEN = 64;
const SHOWN_POINTS = 256;
const ARROWS = 96;
const GP_WEIGHT = 10;

interface Mlp {
  readonly variables: tf.Variable[];
  forward(x: tf.Tensor2D): tf.Tensor2D;
}

function mlp(sizes: number[], rng: Rng): Mlp {
  const layers = sizes.slice(1).map((out, i) => {
    const inputs = sizes[i]!;
    // He initialisation for leaky ReLU.
    const w = tf.variable(tf.randomNormal([inputs, out], 0, Math.sqrt(2 / inputs), 'float32', tfSeed(rng.seed())));
    const b = tf.variable(tf.zeros([out]));
    return { w, b };
  });
  return {
    variables: layers.flatMap(({ w, b }) => [w, b]),
    forward: (x) =>
      layers.reduce<tf.Tensor2D>((h, { w, b }, i) => {
        const y = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
        return i < layers.length - 1 ? tf.leakyRelu(y, 0.2) : y;
      }, x),
  };
}

/** The settings that need new models when they change; the rest apply to the running ones. */
export function needsRestart(before: LearnSettings, after: LearnSettings): boolean {
  return before.loss !== after.loss || before.zDim !== after.zDim || before.seed !== after.seed || before.distribution !== after.distribution;
}

export class Playground {
  step = 0;
  private rng: Rng;
  private readonly g: Mlp;
  private readonly d: Mlp;
  private gOptimizer: tf.Optimizer;
  private dOptimizer: tf.Optimizer;
  private readonly loss: GanLoss;
  /** The frame's latents and real points: fixed, so the plot shows how the same points move. */
  private readonly shownZ: tf.Tensor2D;
  private readonly shownReal: Float32Array;
  private readonly grid: tf.Tensor2D;
  private losses: { d: tf.Scalar; g: tf.Scalar } | null = null;

  constructor(private settings: LearnSettings) {
    this.rng = new Rng(settings.seed);
    this.g = mlp([settings.zDim, HIDDEN, HIDDEN, 2], this.rng);
    this.d = mlp([2, HIDDEN, HIDDEN, 1], this.rng);
    this.gOptimizer = this.optimizer(settings.gLr);
    this.dOptimizer = this.optimizer(settings.dLr);
    this.loss = createLoss({ kind: settings.loss, labelSmoothing: 0, gpWeight: GP_WEIGHT, r1: 0, clip: 0.01 });
    const shown = new Rng(settings.seed ^ 0x5eed);
    this.shownZ = tf.randomNormal([SHOWN_POINTS, settings.zDim], 0, 1, 'float32', tfSeed(shown.seed()));
    this.shownReal = samplePoints(settings.distribution, SHOWN_POINTS, shown, settings.drawn);
    const cells = new Float32Array(2 * HEAT_SIZE * HEAT_SIZE);
    for (let row = 0; row < HEAT_SIZE; row++) {
      for (let col = 0; col < HEAT_SIZE; col++) {
        const i = row * HEAT_SIZE + col;
        cells[2 * i] = -LEARN_EXTENT + ((col + 0.5) / HEAT_SIZE) * 2 * LEARN_EXTENT;
        cells[2 * i + 1] = LEARN_EXTENT - ((row + 0.5) / HEAT_SIZE) * 2 * LEARN_EXTENT;
      }
    }
    this.grid = tf.tensor2d(cells, [HEAT_SIZE * HEAT_SIZE, 2]);
  }

  get current(): LearnSettings {
    return this.settings;
  }

  /** Learning rates, n_critic and the drawing apply at the next update, with the models as they are. */
  retune(settings: LearnSettings): void {
    if (settings.gLr !== this.settings.gLr) {
      this.gOptimizer.dispose();
      this.gOptimizer = this.optimizer(settings.gLr);
    }
    if (settings.dLr !== this.settings.dLr) {
      this.dOptimizer.dispose();
      this.dOptimizer = this.optimizer(settings.dLr);
    }
    this.settings = settings;
  }

  /** One generator update after nCritic discriminator updates. */
  update(): void {
    const { settings } = this;
    let dLoss: tf.Scalar | null = null;
    for (let i = 0; i < settings.nCritic; i++) {
      const loss = tf.tidy(() => {
        const real = tf.tensor2d(samplePoints(settings.distribution, LEARN_BATCH, this.rng, settings.drawn), [LEARN_BATCH, 2]);
        const fake = this.g.forward(this.latents());
        const gpSeed = this.rng.seed();
        const { value, grads } = tf.variableGrads(() => {
          const loss = this.loss.discriminator(this.d.forward(real), this.d.forward(fake));
          if (settings.loss !== 'wgan-gp') return loss;
          return tf.add(loss, tf.mul(gradientPenalty((x: tf.Tensor2D) => this.d.forward(x), real, fake, gpSeed), GP_WEIGHT)) as tf.Scalar;
        }, this.d.variables);
        this.dOptimizer.applyGradients(grads);
        return value;
      });
      dLoss?.dispose();
      dLoss = loss;
    }
    const gLoss = tf.tidy(() => {
      const z = this.latents();
      const { value, grads } = tf.variableGrads(() => this.loss.generator(this.d.forward(this.g.forward(z))), this.g.variables);
      this.gOptimizer.applyGradients(grads);
      return value;
    });
    if (this.losses) tf.dispose([this.losses.d, this.losses.g]);
    this.losses = { d: dLoss!, g: gLoss };
    this.step++;
  }

  /** What the view draws, read back in one go. */
  async frame(playing: boolean, updatesPerSecond: number): Promise<LearnFrame> {
    const { settings } = this;
    const probability = settings.loss === 'bce';
    const tensors = tf.tidy(() => {
      const fake = this.g.forward(this.shownZ);
      const real = tf.tensor2d(this.shownReal, [SHOWN_POINTS, 2]);
      const score = (x: tf.Tensor2D) => (probability ? tf.sigmoid(this.d.forward(x)) : this.d.forward(x));
      const pushed = tf.slice(fake, [0, 0], [ARROWS, 2]);
      // Each point's own gradient: the loss is a mean over the points, so scale by their count.
      const gradient = tf.mul(tf.grad((x: tf.Tensor) => this.loss.generator(this.d.forward(x as tf.Tensor2D)))(pushed), -ARROWS);
      return {
        fake,
        heat: score(this.grid),
        dReal: tf.mean(score(real)),
        dFake: tf.mean(score(fake)),
        arrows: tf.concat([pushed, gradient], 1),
        gradNorm: tf.mean(tf.norm(gradient, 'euclidean', 1)),
        dLoss: this.losses?.d ? tf.clone(this.losses.d) : tf.scalar(0),
        gLoss: this.losses?.g ? tf.clone(this.losses.g) : tf.scalar(0),
      };
    });
    const entries = Object.entries(tensors);
    const data = await Promise.all(entries.map(([, t]) => t.data() as Promise<Float32Array>));
    tf.dispose(Object.values(tensors));
    const read = Object.fromEntries(entries.map(([name], i) => [name, data[i]!])) as Record<keyof typeof tensors, Float32Array>;
    const heat = Array.from(read.heat);
    const min = probability ? 0 : Math.min(...heat);
    const max = probability ? 1 : Math.max(...heat);
    const span = max - min || 1;
    const modes = modesOf(settings.distribution);
    return {
      step: this.step,
      playing,
      loss: settings.loss,
      real: Array.from(this.shownReal),
      fake: Array.from(read.fake),
      heat: heat.map((v) => (v - min) / span),
      heatScale: { min, max, probability },
      arrows: Array.from(read.arrows),
      dLoss: read.dLoss[0]!,
      gLoss: read.gLoss[0]!,
      diagnostics: {
        modes: modes ? { covered: modesCovered(read.fake, modes), total: modes.centres.length } : null,
        dReal: read.dReal[0]!,
        dFake: read.dFake[0]!,
        gradNorm: read.gradNorm[0]!,
      },
      updatesPerSecond,
    };
  }

  dispose(): void {
    tf.dispose([...this.g.variables, ...this.d.variables, this.shownZ, this.grid]);
    if (this.losses) tf.dispose([this.losses.d, this.losses.g]);
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }

  private latents(): tf.Tensor2D {
    return tf.randomNormal([LEARN_BATCH, this.settings.zDim], 0, 1, 'float32', tfSeed(this.rng.seed()));
  }

  private optimizer(lr: number): tf.Optimizer {
    // The DCGAN recipe's Adam (β₁ 0.5); WGAN-GP's paper uses β₁ 0, β₂ 0.9.
    return createOptimizer(this.settings.loss === 'wgan-gp' ? { kind: 'adam', beta1: 0, beta2: 0.9 } : { kind: 'adam', beta1: 0.5, beta2: 0.999 }, lr);
  }
}
