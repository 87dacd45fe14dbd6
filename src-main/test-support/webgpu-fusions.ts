/**
 * The engine's fused webgpu programs (./fused-cases.ts) against the op-by-op forms on tfjs-cpu, on
 * the adapter Dawn finds (SwiftShader in CI), in their own process. For
 * kernels/webgpu/webgpu-fusions.test.ts:  node --import tsx webgpu-fusions.ts
 * Prints one JSON line: per case the largest difference relative to the largest value of each
 * output, which of the engine's shaders ran, and the tensors left behind.
 */
import '@tensorflow/tfjs-backend-cpu';
import { startWebGpuOrSkip, watchEnginePrograms } from './webgpu-script';
import { relDiff } from './compare';
import { fusedCases, runCase } from './fused-cases';

const report = await startWebGpuOrSkip();
const programs = watchEnginePrograms();
const results = [];
for (const [name, f] of fusedCases) {
  programs.clear();
  const gpu = await runCase('webgpu', true, f);
  const ran = programs.ran();
  // The reference: the op-by-op forms on tfjs-cpu.
  const cpu = await runCase('cpu', false, f);
  const diffs = Object.fromEntries(Object.keys(cpu.out).map((k) => [k, gpu.out[k] ? relDiff(gpu.out[k]!, cpu.out[k]!) : Infinity]));
  results.push({ name, diffs, shaders: ran, leaked: gpu.leaked });
}
console.log(JSON.stringify({ adapter: report.attempts.find((a) => a.name === 'webgpu')?.detail, cases: results }));
process.exit(0);
