/**
 * The WebGPU backend, for real: every model × loss trains on it (here on SwiftShader, the software
 * Vulkan adapter Debian's chromium package ships) and agrees with the cpu backend from the same
 * seed and weights. Runs in a child process, because Dawn reads its Vulkan setup at start.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adapterLabel, describeAdapter, webgpuCandidate } from './webgpu';
import { engineGpuEnv, hasVulkanDriver, hasVulkanLoader, usesChromiumLoader } from '../../shared/vulkan';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWebGpuScript } from '../../test-support/webgpu-child';

const script = fileURLToPath(new URL('../../test-support/train-webgpu.ts', import.meta.url));

interface Report {
  skipped?: string;
  adapter?: string;
  cases?: { name: string; firstStep: number; weights: number; lr: number; finite: boolean; leaked: number }[];
  resume?: { webgpuToCpu: number; cpuToWebgpu: number; lr: number };
}

const trainOnWebGpu = () => runWebGpuScript<Report>(script, ['2']);

describe('adapter description', () => {
  it('tells software adapters from GPUs', () => {
    const swiftshader = describeAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' });
    expect(swiftshader.software).toBe(true);
    expect(adapterLabel(swiftshader)).toBe('google swiftshader SwiftShader driver 5.0.0 (software rendering, not a GPU)');
    expect(describeAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).software).toBe(true);
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }).software).toBe(false);
    expect(describeAdapter({ vendor: 'apple', architecture: 'metal-3' }, true).software).toBe(true);
  });
});

describe('choosing a backend automatically', () => {
  it('on Linux without a Vulkan loader, says so without asking Dawn (which would print a warning)', async (ctx) => {
    const saved = process.env.LD_LIBRARY_PATH;
    process.env.LD_LIBRARY_PATH = '';
    try {
      if (process.platform !== 'linux' || hasVulkanLoader()) return ctx.skip('this machine has a system Vulkan loader');
      await expect(webgpuCandidate({ allowSoftware: false }).load()).rejects.toThrow('the Vulkan loader (libvulkan1) is not installed');
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    } finally {
      process.env.LD_LIBRARY_PATH = saved;
      if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
    }
  });

  it('on Linux with chromium’s Vulkan loader but no driver, says so without asking Dawn (whose loader prints warnings)', async (ctx) => {
    const saved = { ...process.env };
    const empty = await mkdtemp(join(tmpdir(), 'vk-none-'));
    // The loader main gives an engine process here (chromium's), and no driver anywhere it looks.
    Object.assign(process.env, engineGpuEnv(), { HOME: empty, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '', XDG_CONFIG_DIRS: empty, XDG_DATA_DIRS: empty, VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '', VK_ADD_DRIVER_FILES: '' });
    try {
      if (process.platform !== 'linux' || !usesChromiumLoader()) return ctx.skip('no chromium Vulkan loader, or a system one (Dawn is always asked then)');
      if (hasVulkanDriver()) return ctx.skip('this machine has a Vulkan driver in /etc');
      await expect(webgpuCandidate({ allowSoftware: false }).load()).rejects.toThrow('no Vulkan driver is installed');
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('training on webgpu', () => {
  it('every model × loss matches the cpu backend, second-order WGAN-GP included, with no tensor left behind; checkpoints resume across backends', async (ctx) => {
    const report = await trainOnWebGpu();
    if (report.skipped) {
      console.log(`webgpu training test skipped: ${report.skipped}`);
      return ctx.skip();
    }
    console.log(`webgpu training test on ${report.adapter}`);
    expect(report.cases).toHaveLength(20);
    for (const c of report.cases!) {
      expect(c.finite, c.name).toBe(true);
      // The first step's losses, D outputs and gradient norms: before the optimizer amplifies rounding.
      expect(c.firstStep, c.name).toBeLessThan(1e-4);
      // Adam moves a weight by about lr per step: anything near that would be a real difference.
      expect(c.weights, c.name).toBeLessThan(c.lr * 0.05);
      expect(c.leaked, c.name).toBe(0);
    }
    // Checkpoints are backend-independent: a run started on webgpu resumes on cpu and the other way round.
    const { webgpuToCpu, cpuToWebgpu, lr } = report.resume!;
    expect(webgpuToCpu).toBeLessThan(lr * 0.05);
    expect(cpuToWebgpu).toBeLessThan(lr * 0.05);
  }, 300_000);
});
