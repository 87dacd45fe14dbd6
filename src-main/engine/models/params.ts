/**
 * Model parameters as named tf.Variables. The engine builds its networks from plain ops rather than
 * tf.layers so that losses needing second-order gradients (WGAN-GP), spectral norm and custom
 * kernels work on every backend, and so checkpoints are a flat name → tensor map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tfSeed } from '../ops/seed';

export type Initializer =
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'constant'; value: number };

export class ParamStore {
  readonly variables = new Map<string, tf.Variable>();
  private nextSeed: number;

  constructor(seed: number) {
    // Every parameter gets its own seed derived from the model seed, so initialisation is
    // reproducible regardless of how many random ops ran before.
    this.nextSeed = seed >>> 0;
  }

  create(name: string, shape: number[], init: Initializer, trainable = true): tf.Variable {
    if (this.variables.has(name)) throw new Error(`Duplicate parameter name: ${name}`);
    const seed = this.nextSeed;
    this.nextSeed = (Math.imul(this.nextSeed ^ (this.nextSeed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    const value = tf.tidy(() =>
      init.kind === 'normal' ? tf.randomNormal(shape, init.mean, init.std, 'float32', tfSeed(seed)) : tf.fill(shape, init.value),
    );
    // tfjs variable names are global to the process; ours are only unique per model, so they
    // live in this map and tfjs picks its own.
    const variable = tf.variable(value, trainable);
    value.dispose();
    this.variables.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`Unknown parameter: ${name}`);
    return v;
  }

  trainable(): tf.Variable[] {
    return [...this.variables.values()].filter((v) => v.trainable);
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.variables.values()) if (v.trainable) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
