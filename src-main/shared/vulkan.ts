/**
 * Where an engine process finds a Vulkan loader for WebGPU (Dawn) on Linux when the system has
 * none installed: Debian's chromium package ships libvulkan.so.1 (and SwiftShader) in
 * /usr/lib/chromium. Main adds this to the engine's LD_LIBRARY_PATH; the loader is read at start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SYSTEM_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib/libvulkan.so.1', '/usr/lib64/libvulkan.so.1'];
const CHROMIUM = '/usr/lib/chromium';
/** SwiftShader's ICD file from the same package: a software adapter, for tests and `--backend webgpu` without a GPU. */
export const SWIFTSHADER_ICD = `${CHROMIUM}/vk_swiftshader_icd.json`;

const hasSystemLoader = () => SYSTEM_LOADERS.some((p) => existsSync(p));

/** Whether this process can load a Vulkan loader: the system's, or one in LD_LIBRARY_PATH (the
 *  chromium one main adds, or the GPU check's packed one). */
export function hasVulkanLoader(env: NodeJS.ProcessEnv = process.env): boolean {
  if (hasSystemLoader()) return true;
  return (env.LD_LIBRARY_PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, 'libvulkan.so.1')));
}

/** LD_LIBRARY_PATH for an engine process, or null when nothing needs adding. */
export function engineLibraryPath(env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform !== 'linux' || hasSystemLoader()) return null;
  if (!existsSync(`${CHROMIUM}/libvulkan.so.1`)) return null;
  return [CHROMIUM, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

/** The environment additions an engine process needs for WebGPU here. */
export function engineGpuEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const path = engineLibraryPath(env);
  return path ? { LD_LIBRARY_PATH: path } : {};
}
