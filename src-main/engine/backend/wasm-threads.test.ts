/**
 * The threaded wasm backend, each configuration in its own Node process (the thread count is fixed
 * per process): 1 vs N threads give the same training (BCE, and WGAN-GP's second-order
 * gradients), such a process ends by itself, and a failing threaded build falls back with its reason.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendReportSchema, type BackendReport } from '../../api/schemas';

const script = fileURLToPath(new URL('../../test-support/train-threads.ts', import.meta.url));
let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'wasm-threads-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Runs the script to completion: it must exit on its own (no process.exit, no kill). */
function train(which: 'dcgan' | 'wgan-gp', steps: number, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; report: BackendReport; priority: number; losses: number[]; fused: boolean; weights: Float32Array; stderr: string }> {
  const out = join(dir, `${which}-${args.join('_').replace(/\W/g, '')}.f32`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, which, String(steps), out, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`train-threads exited with ${code}: ${stderr}`));
      readFile(out).then((b) => {
        const line = JSON.parse(stdout.trim().split('\n').at(-1)!) as { priority: number; losses: number[]; fused: boolean };
        resolve({ code, report: backendReportSchema.parse(line), priority: line.priority, losses: line.losses, fused: line.fused, weights: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), stderr });
      }, reject);
    });
  });
}

function expectSameWeights(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  expect(a.length).toBeGreaterThan(1000);
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
  }
  // Observed bit-identical (XNNPACK splits output tiles, not reductions); float tolerance is the contract.
  expect(maxDiff).toBeLessThanOrEqual(1e-5 * maxAbs);
}

/** The threaded XNNPACK build is what runs where ONNX Runtime is absent; GAN_STUDIO_ORT=0 stands in. */
const WITHOUT_ORT = { GAN_STUDIO_ORT: '0' };

describe('threaded wasm backend', () => {
  // ONNX Runtime may split a long sum across threads (a product with few outputs and a long inner
  // dimension), so 1 and 2 threads round differently: equal within float tolerance, not bit for bit.
  // Adam turns such rounding in near-zero gradients into ±lr steps, so the check is on the losses
  // each step computes, which follow the whole forward and backward pass.
  it('with ONNX Runtime: 1 and 2 threads train the same curve (BCE, and WGAN-GP\'s second-order gradients)', async () => {
    for (const [which, steps] of [
      ['dcgan', 3],
      ['wgan-gp', 2],
    ] as const) {
      const one = await train(which, steps, ['--threads', '1']);
      const two = await train(which, steps, ['--threads', '2']);
      expect(one.report).toMatchObject({ active: 'wasm', threads: 1 });
      expect(two.report).toMatchObject({ active: 'wasm', threads: 2, native: { provider: 'onnxruntime-node', reason: null } });
      expect(two.report.attempts.find((a) => a.name === 'wasm')!.detail).toMatch(/natively in ONNX Runtime \d+\.\d+\.\d+ \(MLAS\), 2 threads/);
      expect(one.losses).toHaveLength(2 * steps);
      one.losses.forEach((loss, i) => expect(Math.abs(loss - two.losses[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(loss))));
      expect(one.weights.length).toBe(two.weights.length);
    }
  });

  it.each([
    ['dcgan', 3],
    ['wgan-gp', 2],
  ] as const)('without ONNX Runtime, %s: 1 and 2 XNNPACK threads train the same weights, and the processes end by themselves', async (which, steps) => {
    const one = await train(which, steps, ['--threads', '1'], WITHOUT_ORT);
    const two = await train(which, steps, ['--threads', '2'], WITHOUT_ORT);
    expect(one.report).toMatchObject({ active: 'wasm', threads: 1 });
    expect(two.report).toMatchObject({ active: 'wasm', threads: 2, native: { version: null, reason: 'turned off by GAN_STUDIO_ORT=0' } });
    expect(two.report.attempts.find((a) => a.name === 'wasm')!.detail).toMatch(/XNNPACK, 2 threads; ONNX Runtime not used \(turned off by GAN_STUDIO_ORT=0\)$/);
    expectSameWeights(one.weights, two.weights);
    // Every core busy: the engine yields a little OS priority (niceness +5) so the UI stays responsive.
    const base = getPriority();
    const busy = (threads: number) => (threads >= availableParallelism() && base < 5 ? Math.min(19, base + 5) : base);
    expect([one.priority, two.priority]).toEqual([busy(1), busy(2)]);
  });

  it.each([
    ['the single-thread build\'s memory (with ONNX Runtime)', {}],
    ['the threaded build\'s shared memory (without)', WITHOUT_ORT],
  ] as const)('the fused operations on %s train the curve the op-by-op forms do', async (_, env) => {
    const fused = await train('dcgan', 3, ['--threads', '2'], env);
    const opByOp = await train('dcgan', 3, ['--threads', '2'], { ...env, GAN_STUDIO_FUSED: '0' });
    expect([fused.fused, opByOp.fused]).toEqual([true, false]);
    expect(fused.losses).toHaveLength(6);
    // Batch norm's sums add in float64 fused and in float32 op by op: close, not bit for bit.
    fused.losses.forEach((loss, i) => expect(Math.abs(loss - opByOp.losses[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(loss))));
  });

  it('falls back to the single-thread build and says why when the threaded one cannot start', async () => {
    // The worker scripts must be written to a real folder; a path below a plain file cannot be.
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    const run = await train('dcgan', 1, ['--threads', '2', '--worker-dir', join(file, 'workers')], WITHOUT_ORT);
    expect(run.report.threads).toBe(1);
    const wasm = run.report.attempts.find((a) => a.name === 'wasm')!;
    expect(wasm.ok).toBe(true);
    expect(wasm.detail).toMatch(/one thread \(the multi-threaded build failed: ENOTDIR.*not-a-folder.*\); ONNX Runtime not used/);
    expect(run.stderr).toMatch(/threaded WebAssembly unavailable/);
  });
});
