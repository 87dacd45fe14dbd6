/**
 * What a config will cost before it trains: layer tables, FLOPs and memory from the engine's pure
 * model plan, and how long it will take from a measurement of real steps — exact when that
 * measurement was of this very step (same model, loss, batch…), scaled by FLOPs from one of another
 * config on the same backend, otherwise unknown.
 */
import { z } from 'zod';
import type { Measurement } from '../../../../src-main/api/model-design';
import { lossConfigSchema, modelConfigSchema, usesR1, type TrainConfig } from '../../../../src-main/api/train-config';
import { trainingMemory, trainStepFlops, type MemoryEstimate } from '../../../../src-main/shared/model-design/cost';
import { discriminatorPlan, generatorPlan, type NetworkPlan } from '../../../../src-main/shared/model-design/plan';
import type { ConfigDraft } from '../train-validation';

export interface MeasuredConfig {
  config: TrainConfig;
  measurement: Measurement;
}

export interface TimeEstimate {
  msPerStep: number;
  imagesPerSecond: number;
  /** Whole run. */
  totalMs: number;
  /** 'measured': this step was timed; 'scaled': another config's speed, scaled by FLOPs. */
  source: 'measured' | 'scaled';
  gflopsPerSecond: number;
}

/** The settings that change what one step computes; steps, intervals and the seed do not. */
export function stepKey(config: TrainConfig): string {
  const { model, loss, optimizer, batchSize, nCritic, emaDecay, augment } = config;
  return JSON.stringify([model, loss.kind, usesR1(loss), optimizer.kind, batchSize, nCritic, emaDecay > 0, augment]);
}

export function estimateTime(config: TrainConfig, measured: MeasuredConfig | null, backend: string | null): TimeEstimate | null {
  if (!measured || (backend !== null && measured.measurement.backend !== backend)) return null;
  const flops = trainStepFlops(config);
  const same = stepKey(config) === stepKey(measured.config);
  const gflopsPerSecond = trainStepFlops(measured.config) / measured.measurement.msPerStep / 1e6;
  const msPerStep = same ? measured.measurement.msPerStep : flops / gflopsPerSecond / 1e6;
  return {
    msPerStep,
    imagesPerSecond: (config.batchSize * 1000) / msPerStep,
    totalMs: msPerStep * config.steps,
    source: same ? 'measured' : 'scaled',
    gflopsPerSecond,
  };
}

/**
 * How the speed was measured, for the line under the time estimate: "median of 5 timed steps
 * after a warm-up step", with the measured GFLOP/s when it was scaled from another config.
 */
export function measuredHow(estimate: TimeEstimate, measurement: Measurement): string {
  const n = measurement.stepsMeasured;
  const how =
    n === 0
      ? 'one step, warm-up included: an upper bound' // measured before the warm-up was always left out
      : `${n === 1 ? '1 timed step' : `median of ${n} timed steps`} after a warm-up step${n < 3 ? ' (steps take seconds: fewer timed)' : ''}`;
  return estimate.source === 'scaled' ? `scaled from a measured ${estimate.gflopsPerSecond.toFixed(1)} GFLOP/s; ${how}` : how;
}


/** "3.2 M", "41.7 k", "950". */
export function formatShort(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return n.toLocaleString('en-US');
}

const stepSchema = z.object({
  batchSize: z.number().int().min(1),
  nCritic: z.number().int().min(1),
  emaDecay: z.number().min(0),
  loss: lossConfigSchema.pick({ kind: true }).loose(),
});

export interface DesignSummary {
  g: NetworkPlan;
  d: NetworkPlan;
  /** null while a setting the step depends on (batch size, n_critic, loss…) is invalid. */
  stepFlops: number | null;
  memory: MemoryEstimate | null;
}

/**
 * The layer tables, FLOPs and memory of a draft. The tables need only a valid model; the step's cost
 * also needs its batch size and loss, but not the whole config to be trainable, so a refused
 * combination (batch norm in a WGAN-GP critic) still shows what it would have cost.
 */
export function designSummary(draft: ConfigDraft): DesignSummary | null {
  const model = modelConfigSchema.safeParse(draft.model);
  if (!model.success) return null;
  let g: NetworkPlan;
  let d: NetworkPlan;
  try {
    g = generatorPlan(model.data);
    d = discriminatorPlan(model.data);
  } catch {
    return null;
  }
  const step = stepSchema.safeParse(draft);
  const config = step.success ? ({ ...draft, ...step.data, model: model.data } as TrainConfig) : null;
  return { g, d, stepFlops: config ? trainStepFlops(config) : null, memory: config ? trainingMemory(config) : null };
}
