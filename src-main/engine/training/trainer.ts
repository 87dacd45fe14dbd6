/**
 * One GAN training step — n_critic discriminator updates, then one generator update — for every
 * model and loss in TrainConfig, plus the EMA of G's weights. Everything per step runs inside
 * tf.tidy, so tf.memory().numTensors stays flat however long a run goes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isWassersteinLoss, R1_EVERY, usesR1, type TrainConfig } from '../../api/train-config';
import { generatorSpecOf } from '../models/spec';
import { createGenerator, type Generator } from '../models/generator';
import { createDiscriminator, type Discriminator } from '../models/discriminator';
import { createLoss, gradientPenalty, meanScore, realGradientPenalty, type GanLoss } from '../losses/losses';
import { globalNorm } from '../ops/global-norm';
import { drawLatents } from './latents';
import { updateMovingAverage } from '../ops/moving-average';
import { RecordedForward } from '../ops/recorded';
import { createOptimizer } from './optimizer';
import { Rng } from '../rng';
import type { BatchSource } from '../batches/types';
import { createAugmenter, type Augmenter } from '../augment/augment';
import { AdaptiveStrength, realSign, type AdaptiveState } from '../augment/adaptive';
import { liveParamsOf, liveParamsSchema } from '../../api/training';
import { lrDecayFactor } from '../../shared/lr-decay';
import { sliceRows, type ReplicaPart, type Rows } from '../ops/rows';
import { setBatchNormSync } from '../ops/batch-norm';

/** The per-step statistics read back from the backend, in the order they are stacked. */
const readBack = ['dLoss', 'dReal', 'dFake', 'wassersteinEstimate', 'penalty', 'realSign', 'dGradNorm', 'gLoss', 'gGradNorm'] as const;
type ReadBack = (typeof readBack)[number];

export interface StepMetrics {
  step: number;
  dLoss: number;
  gLoss: number;
  /** Mean D(x) and D(G(z)) as probabilities (sigmoid of the logits), for every loss. */
  dReal: number;
  dFake: number;
  /** Critic's estimate of the Wasserstein distance, E[D(x)] − E[D(G(z))] (WGAN losses). */
  wassersteinEstimate: number | null;
  /** WGAN-GP's penalty E[(‖∇D(x̂)‖ − 1)²] at the interpolates (wgan-gp only). */
  gradientPenalty: number | null;
  /** R1's E‖∇ₓD(x)‖² at the real images, on the steps that apply it (every R1_EVERY-th); null otherwise. */
  r1Slope: number | null;
  /**
   * ADA's overfitting heuristic r_t = E[sign(D(x))] over the step's real batch: near 1 when D scores
   * every real image as real. Null for Wasserstein losses, whose critic output has no sign to read.
   */
  realSign: number | null;
  /** The probability each image was augmented with this step (adaptive strength); null otherwise. */
  augmentStrength: number | null;
  gGradNorm: number;
  dGradNorm: number;
  stepMs: number;
}

/** The hyperparameters a user may change while a run goes (recorded in the run's log). */
export interface LiveParams {
  gLr: number;
  dLr: number;
  nCritic: number;
  labelSmoothing: number;
}

export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Everything a checkpoint must hold to continue a run exactly where it stopped. */
export interface TrainerState {
  step: number;
  rngState: number;
  /** Real images drawn so far (each critic step draws a batch); absent in older checkpoints. */
  realImages?: number;
  live: LiveParams;
  /** The adaptive augmentation controller (runs with adaptive strength; absent otherwise). */
  adaptive?: AdaptiveState;
  groups: Record<'generator' | 'discriminator' | 'ema' | 'gOptimizer' | 'dOptimizer', NamedTensor[]> & {
    /** The batch source's position (one int32 tensor), for sources that have one. */
    data?: NamedTensor[];
  };
}

const DATA_POSITION = 'data/position';

export class Trainer {
  /** Real images drawn so far: step × n_critic × batch while n_critic stays put, exact when it changes. */
  realImages = 0;
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  /** Exponential moving average of G's weights, or null when emaDecay is 0. */
  readonly emaGenerator: Generator | null;
  step = 0;
  readonly rng: Rng;
  private loss: GanLoss;
  private readonly augment: Augmenter;
  /** Adaptive augmentation strength, or null at fixed strength. */
  private readonly adaptive: AdaptiveStrength | null;
  private live: LiveParams;
  private gOptimizer: tf.Optimizer;
  private dOptimizer: tf.Optimizer;
  /** Tensors made for the last export (data position, optimiser step counters), freed at the next. */
  private exported: tf.Tensor[] = [];

  constructor(
    readonly config: TrainConfig,
    private readonly nextBatch: BatchSource,
    /** A data-parallel replica's part (training/parallel/shard.ts): its rows of every batch; null trains the whole batch. */
    private readonly shard: ReplicaPart | null = null,
  ) {
    const { model } = config;
    const generatorSpec = generatorSpecOf(model);
    this.generator = createGenerator(generatorSpec, config.seed);
    this.discriminator = createDiscriminator(model, config.seed + 1);
    this.emaGenerator = config.emaDecay > 0 ? createGenerator(generatorSpec, config.seed) : null;
    this.rng = new Rng(config.seed ^ 0x5bd1e995);
    this.live = liveParamsOf(config);
    this.loss = createLoss(config.loss);
    this.augment = createAugmenter(config.augment);
    this.adaptive = config.augment.adaptive ? new AdaptiveStrength() : null;
    this.gOptimizer = this.makeOptimizer(config.optimizer.gLr);
    this.dOptimizer = this.makeOptimizer(config.optimizer.dLr);
  }

  /** Draws latent vectors (and, for the conditional model, classes) for a batch. */
  sampleLatent(n: number, seed: number, classes?: number[]): { z: tf.Tensor2D; labels: tf.Tensor2D | null } {
    return drawLatents(this.config.model, n, seed, classes);
  }

  /** G(z | y): the class one-hot is concatenated to z for the conditional model. */
  generate(generator: Generator, z: tf.Tensor2D, labels: tf.Tensor2D | null, training: boolean): tf.Tensor4D {
    return generator.forward(labels ? (tf.concat([z, labels], 1) as tf.Tensor2D) : z, training);
  }

  async trainStep(): Promise<StepMetrics> {
    const started = performance.now();
    const { config } = this;
    const gVars = this.generator.params.trainable();
    // The step's statistics, by name, read back together at the end (one sync per step).
    const scalars: Partial<Record<ReadBack, tf.Scalar>> = {};

    const nCritic = this.live.nCritic;
    // R1 on every critic update of one step in R1_EVERY (lazy regularisation), so γ means the same
    // whatever n_critic is.
    const r1Step = usesR1(this.config.loss) && this.step % R1_EVERY === 0;
    if (config.optimizer.lrDecay > 0) this.applyLearningRates();
    const strength = this.adaptive?.probability ?? null;
    // A replica draws everything for the whole batch and keeps its rows of it.
    const rows = this.shard?.rows(config.batchSize) ?? null;
    if (this.shard && rows) this.shard.useRows(rows);
    setBatchNormSync(this.shard);
    // G runs forward once per step: the last critic update's fakes are recorded, used by D as
    // constants, then differentiated through for G's update (as PyTorch's DCGAN example does).
    const held: { fake?: RecordedForward<tf.Tensor4D>; labels?: tf.Tensor2D } = {};
    try {
      for (let i = 0; i < nCritic; i++) {
        const last = i === nCritic - 1;
        this.realImages += config.batchSize;
        const out = tf.tidy((): Partial<Record<ReadBack, tf.Scalar>> => {
          const batch = this.nextBatch(config.batchSize, this.rng, rows);
          // A source may already have kept only this replica's rows.
          const own = batch.images.shape[0] === config.batchSize ? rows : null;
          const realLabels = batch.labels && sliceRows(batch.labels, own);
          const drawn = this.sampleLatent(config.batchSize, this.rng.seed(), undefined);
          const z = sliceRows(drawn.z, rows);
          const fakeLabels = realLabels ?? (drawn.labels && sliceRows(drawn.labels, rows));
          const gpSeed = this.rng.seed();
          this.discriminator.reseed(this.rng.seed(), rows);
          // D only ever sees augmented images, so WGAN-GP's interpolates run between the augmented
          // real and fake batches: the Lipschitz constraint applies where the critic is used.
          const real = this.augment.real(sliceRows(batch.images, own), this.rng, strength, rows);
          const makeFake = () => this.augment.fake(this.generate(this.generator, z, fakeLabels, true), this.rng, strength, rows);
          let seenFake: tf.Tensor4D;
          if (last) {
            held.fake = RecordedForward.record(makeFake);
            if (fakeLabels) held.labels = tf.keep(fakeLabels.clone());
            seenFake = held.fake.value;
          } else {
            seenFake = makeFake();
          }
          return this.criticUpdate(real, seenFake, realLabels, fakeLabels, gpSeed, last, r1Step, rows);
        });
        Object.assign(scalars, out);
      }

      const gOut = tf.tidy((): Partial<Record<ReadBack, tf.Scalar>> => {
        this.discriminator.reseed(this.rng.seed(), rows);
        const fake = held.fake!;
        const labels = held.labels ?? null;
        held.fake = undefined;
        // Augmented inside the recording: G's gradient flows back through DiffAugment.
        const { value, grads: own } = fake.gradients(() => this.loss.generator(this.discriminator.forward(fake.value, labels, true)), gVars);
        const grads = this.wholeBatchGradients(own, rows);
        this.gOptimizer.applyGradients(grads);
        return { gLoss: value, gGradNorm: globalNorm(Object.values(grads)) };
      });
      Object.assign(scalars, gOut);
    } catch (err) {
      // The other replicas would wait for this one's next exchange for ever.
      this.shard?.abort();
      throw err;
    } finally {
      setBatchNormSync(null);
      held.fake?.dispose();
      held.labels?.dispose();
    }
    let values: Float32Array;
    try {
      if (this.emaGenerator) this.updateEma();
      // One read-back per step: the losses come down together instead of one sync each.
      const ordered = readBack.map((name) => scalars[name]!);
      const stacked = tf.stack(ordered);
      tf.dispose(ordered);
      const own = (await stacked.data()) as Float32Array;
      stacked.dispose();
      values = this.wholeBatchMeans(own, rows);
    } catch (err) {
      // Up to the step's last exchange (its statistics), a failure here would leave the others waiting.
      this.shard?.abort();
      throw err;
    }
    this.step++;
    const read = (name: ReadBack) => values[readBack.indexOf(name)]!;
    const wgan = isWassersteinLoss(config.loss.kind);
    const rt = wgan ? null : read('realSign');
    // The next step augments with the adjusted strength (resume replays the same sequence). With
    // several critic updates per step, r_t is the last one's. A diverged step (NaN losses) says
    // nothing about overfitting: tf.sign(NaN) is 0, so it is left out here, not by observe().
    const finite = Number.isFinite(read('dLoss')) && Number.isFinite(read('gLoss'));
    if (this.adaptive && rt !== null && finite) this.adaptive.observe(rt, nCritic * config.batchSize);
    return {
      step: this.step,
      dLoss: read('dLoss'),
      dReal: read('dReal'),
      dFake: read('dFake'),
      wassersteinEstimate: wgan ? read('wassersteinEstimate') : null,
      gradientPenalty: config.loss.kind === 'wgan-gp' ? read('penalty') : null,
      r1Slope: r1Step ? read('penalty') : null,
      realSign: rt,
      augmentStrength: strength,
      dGradNorm: read('dGradNorm'),
      gLoss: read('gLoss'),
      gGradNorm: read('gGradNorm'),
      stepMs: performance.now() - started,
    };
  }

  liveParams(): LiveParams {
    return { ...this.live };
  }

  /** Live edits while a run goes; they take effect from the next step. */
  setLiveParams(next: Partial<LiveParams>): LiveParams {
    // An absent key keeps its value (a partial edit may spell it as undefined); the result must be
    // a valid set as a whole, or nothing changes.
    const given = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
    const merged = liveParamsSchema.safeParse({ ...this.live, ...given });
    if (!merged.success) {
      const issue = merged.error.issues[0]!;
      throw new Error(`Live edit refused: ${issue.path.join('.')} ${issue.message}. The run keeps its current values.`);
    }
    this.live = merged.data;
    this.applyLearningRates();
    this.loss = createLoss({ ...this.config.loss, labelSmoothing: this.live.labelSmoothing });
    return this.liveParams();
  }

  /** The rates the next update uses: the live ones, scaled by the learning-rate decay. */
  learningRates(): { gLr: number; dLr: number } {
    const factor = lrDecayFactor(this.step, this.config.steps, this.config.optimizer.lrDecay);
    return { gLr: this.live.gLr * factor, dLr: this.live.dLr * factor };
  }

  /** tfjs optimisers read their learningRate on every update (rebuilding them would lose Adam's moments). */
  private applyLearningRates(): void {
    const rates = this.learningRates();
    (this.gOptimizer as unknown as { learningRate: number }).learningRate = rates.gLr;
    (this.dOptimizer as unknown as { learningRate: number }).learningRate = rates.dLr;
  }

  /**
   * Tensors are the trainer's own and stay valid until the next exportState or dispose: the caller
   * copies them out (a checkpoint) and never disposes them.
   */
  async exportState(): Promise<TrainerState> {
    const named = (store: { variables: Map<string, tf.Variable> }) =>
      [...store.variables].map(([name, tensor]) => ({ name, tensor }));
    tf.dispose(this.exported);
    const position = this.nextBatch.position?.save();
    const data = position ? [{ name: DATA_POSITION, tensor: tf.tensor1d(position, 'int32') }] : null;
    const gOptimizer = await this.gOptimizer.getWeights();
    const dOptimizer = await this.dOptimizer.getWeights();
    // getWeights makes a fresh step-counter scalar each call; the slots are the optimiser's variables.
    this.exported = [...(data ?? []), ...gOptimizer, ...dOptimizer].map((t) => t.tensor).filter((t) => !(t instanceof tf.Variable));
    return {
      step: this.step,
      rngState: this.rng.state,
      realImages: this.realImages,
      live: this.liveParams(),
      ...(this.adaptive ? { adaptive: this.adaptive.save() } : {}),
      groups: {
        generator: named(this.generator.params),
        discriminator: named(this.discriminator.params),
        ema: this.emaGenerator ? named(this.emaGenerator.params) : [],
        gOptimizer,
        dOptimizer,
        ...(data ? { data } : {}),
      },
    };
  }

  /** Restores a state written by exportState for the same config. */
  async importState(state: TrainerState): Promise<void> {
    const restore = (store: { variables: Map<string, tf.Variable> }, group: NamedTensor[], what: string) => {
      if (group.length !== store.variables.size) throw new Error(`${what}: checkpoint has ${group.length} tensors, model has ${store.variables.size}`);
      for (const { name, tensor } of group) {
        const target = store.variables.get(name);
        if (!target) throw new Error(`${what}: unknown parameter ${name}`);
        if (target.shape.join() !== tensor.shape.join()) throw new Error(`${what}: ${name} is ${tensor.shape} in the checkpoint, ${target.shape} in the model`);
        target.assign(tensor);
      }
    };
    restore(this.generator.params, state.groups.generator, 'generator');
    restore(this.discriminator.params, state.groups.discriminator, 'discriminator');
    if (this.emaGenerator) restore(this.emaGenerator.params, state.groups.ema, 'ema');
    await this.gOptimizer.setWeights(state.groups.gOptimizer);
    await this.dOptimizer.setWeights(state.groups.dOptimizer);
    // A checkpoint without a position (an in-memory dataset then, or an older build) leaves the
    // source where it is: training goes on, only not bit-for-bit as it would have.
    const position = state.groups.data?.find((t) => t.name === DATA_POSITION);
    if (position && this.nextBatch.position) this.nextBatch.position.restore(Array.from(await position.tensor.data()));
    this.step = state.step;
    this.realImages = state.realImages ?? state.step * state.live.nCritic * this.config.batchSize;
    this.rng.state = state.rngState;
    // A checkpoint from before the run had the controller cannot exist (the config is the run's),
    // but one without it starts the strength over rather than failing.
    if (this.adaptive && state.adaptive) this.adaptive.restore(state.adaptive);
    this.setLiveParams(state.live);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.emaGenerator?.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
    tf.dispose(this.exported);
  }

  /** A replica's gradients of its rows' mean loss → the whole batch's (the same on every replica). */
  private wholeBatchGradients(grads: tf.NamedTensorMap, rows: Rows | null): tf.NamedTensorMap {
    return this.shard && rows ? this.shard.reduceGradients(grads, rows) : grads;
  }

  /** A replica's step statistics over its rows → the whole batch's. The gradient norms are of the
   *  whole batch's gradients already, the same on every replica. */
  private wholeBatchMeans(own: Float32Array, rows: Rows | null): Float32Array {
    if (!this.shard || !rows) return own;
    const means = this.shard.reduceMeans(own, rows);
    for (const name of ['dGradNorm', 'gGradNorm'] as const) means[readBack.indexOf(name)] = own[readBack.indexOf(name)]!;
    return means;
  }

  private makeOptimizer(lr: number): tf.Optimizer {
    return createOptimizer(this.config.optimizer, lr);
  }

  /** One update of D (the critic) on a real and a fake batch; the statistics when `last`. */
  private criticUpdate(real: tf.Tensor4D, fake: tf.Tensor4D, realLabels: tf.Tensor2D | null, fakeLabels: tf.Tensor2D | null, gpSeed: number, last: boolean, r1: boolean, rows: Rows | null): Partial<Record<ReadBack, tf.Scalar>> {
    const { config } = this;
    const kept: { stats?: Pick<Record<ReadBack, tf.Scalar>, 'dReal' | 'dFake' | 'wassersteinEstimate' | 'penalty' | 'realSign'>; adversarial?: tf.Scalar } = {};
    const { value, grads: own } = tf.variableGrads(() => {
      const realLogits = this.discriminator.forward(real, realLabels, true);
      const fakeLogits = this.discriminator.forward(fake, fakeLabels, true);
      let loss = this.loss.discriminator(realLogits, fakeLogits);
      let penalty: tf.Scalar | null = null;
      if (config.loss.kind === 'wgan-gp') {
        penalty = gradientPenalty((x) => this.discriminator.forward(x, fakeLabels, true), real, fake, gpSeed, rows);
        loss = tf.add(loss, tf.mul(penalty, config.loss.gpWeight));
      } else if (r1) {
        // Lazy regularisation: every R1_EVERY steps, at R1_EVERY times the weight. D's loss is
        // charted without it, so that one step in four does not stand out.
        const adversarial = loss;
        penalty = realGradientPenalty((x) => this.discriminator.forward(x, realLabels, true), real);
        loss = tf.add(loss, tf.mul(penalty, (config.loss.r1 / 2) * R1_EVERY));
        if (last) kept.adversarial = tf.keep(adversarial);
      }
      if (last) {
        // variableGrads disposes everything its function made except the loss: keep the
        // statistics the dashboard needs (they leave through the enclosing tidy's result).
        kept.stats = {
          dReal: tf.keep(meanScore(realLogits, config.loss.kind)),
          dFake: tf.keep(meanScore(fakeLogits, config.loss.kind)),
          wassersteinEstimate: tf.keep(tf.sub(tf.mean(realLogits), tf.mean(fakeLogits)) as tf.Scalar),
          penalty: tf.keep(penalty ?? tf.scalar(Number.NaN)),
          realSign: tf.keep(realSign(realLogits, config.loss.kind)),
        };
      }
      return loss;
    }, this.discriminator.params.trainable());
    const grads = this.wholeBatchGradients(own, rows);
    this.dOptimizer.applyGradients(grads);
    if (config.loss.kind === 'wgan') this.clipCritic();
    if (!last || !kept.stats) return {};
    if (kept.adversarial) value.dispose();
    return { dLoss: kept.adversarial ?? value, ...kept.stats, dGradNorm: globalNorm(Object.values(grads)) };
  }

  private clipCritic(): void {
    const c = this.config.loss.clip;
    tf.tidy(() => {
      for (const v of this.discriminator.params.trainable()) v.assign(tf.clipByValue(v, -c, c));
    });
  }

  private updateEma(): void {
    // Ramped like TensorFlow's ExponentialMovingAverage(num_updates): early on the average follows
    // G closely instead of clinging to the random initial weights for thousands of steps.
    const decay = Math.min(this.config.emaDecay, (1 + this.step) / (10 + this.step));
    const ema = this.emaGenerator!.params.variables;
    tf.tidy(() => {
      for (const [name, v] of this.generator.params.variables) {
        const target = ema.get(name)!;
        // Running batch-norm statistics are copied, not averaged: they describe the current G.
        if (v.trainable) updateMovingAverage(target, v, decay);
        else target.assign(v.clone());
      }
    });
  }
}
