/** The optimisers GAN training uses, built from the config's optimizer section (trainer and Learn playground). */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../../api/train-config';
import { fusedOps, tensorOf } from '../backend/fused';

export function createOptimizer({ kind, beta1, beta2 }: Pick<OptimizerConfig, 'kind' | 'beta1' | 'beta2'>, lr: number): tf.Optimizer {
  return kind === 'adam' ? new EngineAdam(lr, beta1, beta2) : tf.train.rmsprop(lr);
}

/** What tf.AdamOptimizer keeps private, read by EngineAdam's fused path. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/**
 * tf.train.adam, with one fused update per variable where the backend has one (../backend/fused).
 * Same state, names and checkpoint weights as tf.AdamOptimizer, so runs resume across backends.
 */
export class EngineAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const s = this as unknown as AdamState;
    // The fused path reads tf.AdamOptimizer's private state: should a tfjs upgrade rename it, fall back.
    const knownState = s.accBeta1 instanceof tf.Variable && Array.isArray(s.accumulatedFirstMoment) && Array.isArray(s.accumulatedSecondMoment);
    const ops = fusedOps();
    if (!ops || !knownState) {
      // tfjs declares Adam's parameter narrower (variables) than Optimizer's (tensors); it reads tensors.
      return super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    }
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // accBeta1/2 hold β^t for this step t (they start at β and are multiplied after each step).
      const [accB1, accB2] = [s.accBeta1, s.accBeta2];
      names.forEach((name, i) => {
        const w = tf.engine().registeredVariables[name];
        if (!w) throw new Error(`Adam: no variable named ${name}`);
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(w).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(w).variable(false)) };
        const g = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
        if (g == null) return;
        const m = s.accumulatedFirstMoment[i]!.variable;
        const v = s.accumulatedSecondMoment[i]!.variable;
        const next = ops.adam({ w, m, v, g, accB1, accB2 }, s);
        m.assign(tensorOf(next.m));
        v.assign(tensorOf(next.v));
        w.assign(tensorOf(next.w));
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  }
}
