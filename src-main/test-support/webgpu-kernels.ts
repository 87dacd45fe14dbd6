/**
 * The engine's webgpu convolution backprops (engine/backend/kernels/webgpu) against tfjs-cpu's, on
 * the adapter Dawn finds (SwiftShader in CI), in their own process (Dawn reads its Vulkan setup at
 * start). For kernels/webgpu/webgpu-kernels.test.ts:  node --import tsx webgpu-kernels.ts
 * Prints one JSON line: the adapter, and per case the largest difference relative to the largest
 * value, which of the engine's shaders ran (not the stock kernels'), and the backend data left behind.
 * (The fused Adam, batch norm and the rest: webgpu-fusions.ts.)
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { startWebGpuOrSkip, watchEnginePrograms } from './webgpu-script';
import { relDiff } from './compare';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
}

const cases: Case[] = [
  { name: 'DCGAN down 4×4/2 pad 1', x: [2, 8, 8, 3], filter: [4, 4, 3, 5], strides: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { name: '4×4/2 same', x: [2, 7, 7, 4], filter: [4, 4, 4, 6], strides: [2, 2], pad: 'same' },
  { name: '3×3/1 valid', x: [2, 7, 6, 4], filter: [3, 3, 4, 6], strides: [1, 1], pad: 'valid' },
  { name: '5×3/(2,3) uneven explicit', x: [1, 11, 10, 2], filter: [5, 3, 2, 3], strides: [2, 3], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { name: '1×1/1 numeric pad 0', x: [3, 4, 4, 8], filter: [1, 1, 8, 2], strides: [1, 1], pad: 0 },
  { name: 'NCHW (stock fallback)', x: [2, 3, 8, 8], filter: [4, 4, 3, 5], strides: [2, 2], pad: 'same', dataFormat: 'NCHW' },
];

function geometry(c: Case) {
  const format = c.dataFormat ?? 'NHWC';
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, false, format === 'NHWC' ? 'channelsLast' : 'channelsFirst');
  const dyShape = format === 'NHWC' ? [info.batchSize, info.outHeight, info.outWidth, info.outChannels] : [info.batchSize, info.outChannels, info.outHeight, info.outWidth];
  return { format, dyShape };
}

let programs: ReturnType<typeof watchEnginePrograms>;

async function run(backend: 'webgpu' | 'cpu', c: Case) {
  await tf.setBackend(backend);
  const { format, dyShape } = geometry(c);
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1);
  const filter = tf.randomNormal(c.filter, 0, 1, 'float32', 2);
  const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 3);
  const engineBackend = tf.engine().backend;
  const before = engineBackend.numDataIds();
  programs.clear();
  const common = { strides: c.strides, pad: c.pad, dataFormat: format, dimRoundingMode: undefined };
  const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...common, filterShape: c.filter } as unknown as NamedAttrMap) as tf.Tensor;
  const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...common, inputShape: c.x } as unknown as NamedAttrMap) as tf.Tensor;
  const out = { dw: await dw.data(), dx: await dx.data(), dwShape: dw.shape, dxShape: dx.shape };
  tf.dispose([dw, dx]);
  const leaked = engineBackend.numDataIds() - before;
  tf.dispose([x, filter, dy]);
  return { ...out, leaked, shaders: programs.ran() };
}

const report = await startWebGpuOrSkip();
programs = watchEnginePrograms();
const results = [];
for (const c of cases) {
  const gpu = await run('webgpu', c);
  const cpu = await run('cpu', c);
  results.push({
    name: c.name,
    dw: relDiff(gpu.dw, cpu.dw),
    dx: relDiff(gpu.dx, cpu.dx),
    shapes: String(gpu.dwShape) === String(cpu.dwShape) && String(gpu.dxShape) === String(cpu.dxShape),
    leaked: gpu.leaked,
    shaders: gpu.shaders,
  });
}
console.log(JSON.stringify({ adapter: report.attempts.find((a) => a.name === 'webgpu')?.detail, registered: report.customKernels, cases: results }));
process.exit(0);
