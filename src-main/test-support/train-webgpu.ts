/**
 * Every model × loss, a few tiny steps on webgpu and on cpu from the same seed and weights, in its
 * own process (Dawn needs its Vulkan environment set before it starts). For webgpu.test.ts:
 *   node --import tsx train-webgpu.ts [steps]
 * Prints one JSON line: the adapter, and per case the largest relative difference of the first
 * step's losses, D outputs and gradient norms (before any optimizer update could amplify rounding),
 * the largest absolute difference of any weight after the last step (Adam moves each weight by at
 * most about lr per step, so a sign flip of a near-zero gradient shows as ≤ 2·lr), and the tensors
 * each run left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { startWebGpuOrSkip } from './webgpu-script';
import { registerTrainingKernels } from '../engine/backend/kernels';
import { loadMnistDemo } from '../engine/dataset/mnist-demo';
import { memoryBatches } from '../engine/batches/memory-batches';
import { Trainer } from '../engine/training/trainer';
import { lossCases, modelCases, tinyConfig } from '../engine/training/testing-config';
import type { TrainConfig } from '../api/train-config';
import { arraysToTensors, tensorsToArrays } from '../engine/checkpoint/tensors';
import { relDiff } from './compare';

const steps = Number(process.argv[2] ?? 2);
const report = await startWebGpuOrSkip();
await tf.setBackend('cpu');
registerTrainingKernels('cpu');
const digits = loadMnistDemo();

async function train(backend: 'webgpu' | 'cpu', config: TrainConfig) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const trainer = new Trainer(config, memoryBatches(digits, config.model));
  const first: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const m = await trainer.trainStep();
    if (i === 0) first.push(m.dLoss, m.gLoss, m.dReal, m.dFake, m.dGradNorm, m.gGradNorm);
    losses.push(m.dLoss, m.gLoss);
  }
  const weights: Float32Array[] = [];
  for (const store of [trainer.generator.params, trainer.discriminator.params]) {
    for (const v of store.variables.values()) weights.push((await v.data()) as Float32Array);
  }
  trainer.dispose();
  return { first, losses, weights, leaked: tf.memory().numTensors - before };
}

const absDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

const cases = [];
for (const model of modelCases) {
  for (const kind of lossCases) {
    const dNorm = kind === 'wgan-gp' && model.dNorm === 'batch' ? 'none' : model.dNorm;
    const config = tinyConfig({ model: { ...model, dNorm }, loss: { kind }, nCritic: 1, emaDecay: 0 });
    const gpu = await train('webgpu', config);
    const cpu = await train('cpu', config);
    cases.push({
      name: `${model.architecture}/${dNorm} · ${kind}`,
      firstStep: relDiff(gpu.first, cpu.first),
      weights: Math.max(...gpu.weights.map((w, i) => absDiff(w, cpu.weights[i]!))),
      lr: config.optimizer.gLr,
      finite: gpu.losses.every(Number.isFinite),
      leaked: gpu.leaked,
    });
  }
}
/**
 * A checkpoint written on one backend resumes on the other: 2 steps on `from`, its state through
 * the checkpoint's plain arrays into a fresh trainer on `to`, one more step there; against `from`
 * taking that step itself. Returns the largest weight difference.
 */
async function resumeAcross(from: 'webgpu' | 'cpu', to: 'webgpu' | 'cpu', config: TrainConfig): Promise<number> {
  await tf.setBackend(from);
  const first = new Trainer(config, memoryBatches(digits, config.model));
  for (let i = 0; i < 2; i++) await first.trainStep();
  const state = await first.exportState();
  const groups: Record<string, Awaited<ReturnType<typeof tensorsToArrays>>> = {};
  for (const [name, list] of Object.entries(state.groups)) groups[name] = await tensorsToArrays(list);
  await first.trainStep();
  const reference: Float32Array[] = [];
  for (const v of first.generator.params.variables.values()) reference.push((await v.data()) as Float32Array);
  first.dispose();

  await tf.setBackend(to);
  const second = new Trainer(config, memoryBatches(digits, config.model));
  const tensors = Object.fromEntries(Object.entries(groups).map(([name, arrays]) => [name, arraysToTensors(arrays)]));
  await second.importState({ ...state, groups: tensors as typeof state.groups });
  Object.values(tensors).forEach((list) => list.forEach(({ tensor }) => tensor.dispose()));
  await second.trainStep();
  let diff = 0;
  let i = 0;
  for (const v of second.generator.params.variables.values()) diff = Math.max(diff, absDiff((await v.data()) as Float32Array, reference[i++]!));
  second.dispose();
  return diff;
}

const resumeConfig = tinyConfig({ loss: { kind: 'bce' }, nCritic: 1 });
const resume = {
  webgpuToCpu: await resumeAcross('webgpu', 'cpu', resumeConfig),
  cpuToWebgpu: await resumeAcross('cpu', 'webgpu', resumeConfig),
  lr: resumeConfig.optimizer.gLr,
};
console.log(JSON.stringify({ adapter: report.attempts.find((a) => a.ok)?.detail, cases, resume }));
process.exit(0);
