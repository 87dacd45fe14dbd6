/**
 * Where an engine process finds a Vulkan loader for WebGPU (Dawn) on Linux when the system has
 * none installed: Debian's chromium package ships libvulkan.so.1 (and SwiftShader) in
 * /usr/lib/chromium. Main adds this to the engine's LD_LIBRARY_PATH; the loader is read at start.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
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

/** Whether the loader this process would use is chromium's bundled one: the system has none. */
export function usesChromiumLoader(env: NodeJS.ProcessEnv = process.env): boolean {
  return !hasSystemLoader() && (env.LD_LIBRARY_PATH ?? '').split(':').includes(CHROMIUM) && existsSync(`${CHROMIUM}/libvulkan.so.1`);
}

/**
 * Where a stock Vulkan loader looks for drivers (ICD manifests) on Linux when no environment
 * variable names them: the XDG config and data folders, then /etc and /usr/local/etc (the loader's
 * LoaderDriverInterface.md). A GPU driver's package installs its manifest there (nvidia_icd.json,
 * radeon_icd.x86_64.json, intel_icd.x86_64.json). Distributions may build their loader with other
 * folders (NixOS, Flatpak's GL extensions), so this list is used only with chromium's bundled loader,
 * which is a stock build.
 */
export function vulkanDriverFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? homedir();
  const list = (value: string | undefined, fallback: string) => (value || fallback).split(':').filter(Boolean);
  return [
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'vulkan/icd.d'),
    ...list(env.XDG_CONFIG_DIRS, '/etc/xdg').map((d) => join(d, 'vulkan/icd.d')),
    '/etc/vulkan/icd.d',
    '/usr/local/etc/vulkan/icd.d',
    join(env.XDG_DATA_HOME || join(home, '.local/share'), 'vulkan/icd.d'),
    ...list(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share').map((d) => join(d, 'vulkan/icd.d')),
  ];
}

/**
 * Whether a stock Vulkan loader would find any driver. VK_DRIVER_FILES (or its older name
 * VK_ICD_FILENAMES) replaces the search with the files it names; VK_ADD_DRIVER_FILES adds files
 * to it. Without a driver Dawn finds no adapter, and the loader prints warnings while looking.
 */
export function hasVulkanDriver(env: NodeJS.ProcessEnv = process.env): boolean {
  const files = (value: string | undefined) => (value ?? '').split(':').filter(Boolean);
  const only = files(env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES);
  if (only.length > 0) return only.some((p) => existsSync(p));
  if (files(env.VK_ADD_DRIVER_FILES).some((p) => existsSync(p))) return true;
  return vulkanDriverFolders(env).some((dir) => {
    try {
      return readdirSync(dir).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
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
