/**
 * A few real training steps of the engine's Trainer on the wasm backend, in its own process (the
 * thread count is fixed once per process). For wasm-threads.test.ts:
 *   node --import tsx train-threads.ts <dcgan|wgan-gp> <steps> <out.f32> [--threads N] [--worker-dir D]
 * Prints the backend report (plus this process's OS priority, each step's D and G loss and whether
 * the fused operations ran) as JSON on stdout's last line and writes every G and D weight, in
 * order, as float32 to <out.f32>. It does not call process.exit: the test checks it ends by itself.
 */
import { writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { initRuntime } from '../engine/runtime';
import { resolveThreads } from '../engine/backend/threads';
import { loadMnistDemo } from '../engine/dataset/mnist-demo';
import { memoryBatches } from '../engine/batches/memory-batches';
import { Trainer } from '../engine/training/trainer';
import { preset } from '../api/training';
import { fusedOps } from '../engine/backend/fused';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { threads: { type: 'string' }, 'worker-dir': { type: 'string' } } });
const [which, steps, out] = positionals as ['dcgan' | 'wgan-gp', string, string];
const report = await initRuntime('wasm', { threads: resolveThreads(values.threads), workerDir: values['worker-dir'] });
const config = which === 'wgan-gp' ? { ...preset('wgan-gp'), nCritic: 1 } : preset('dcgan');
const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
const losses: number[] = [];
for (let i = 0; i < Number(steps); i++) {
  const m = await trainer.trainStep();
  losses.push(m.dLoss ?? NaN, m.gLoss ?? NaN);
}
const parts: Buffer[] = [];
for (const store of [trainer.generator.params, trainer.discriminator.params]) {
  for (const variable of store.variables.values()) parts.push(Buffer.from((variable.dataSync() as Float32Array).slice().buffer));
}
writeFileSync(out, Buffer.concat(parts));
trainer.dispose();
console.log(JSON.stringify({ ...report, priority: getPriority(), losses, fused: fusedOps() !== null }));
