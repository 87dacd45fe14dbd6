/**
 * TensorFlow.js's WebGPU backend in Node, through Dawn (the `webgpu` npm package: prebuilt
 * dawn.node for Linux, macOS and Windows, nothing downloaded): Metal, Vulkan or Direct3D 12 on the
 * user's own GPU, whatever its vendor. A software adapter (SwiftShader, llvmpipe, lavapipe) is far
 * slower than wasm, so it is used only when asked for (`--backend webgpu`), never chosen by `auto`.
 *
 * On Linux Dawn needs the Vulkan loader (libvulkan.so.1, Debian's libvulkan1); Debian's chromium
 * package also ships one, with SwiftShader, in /usr/lib/chromium (shared/vulkan.ts).
 */
import { hasVulkanDriver, hasVulkanLoader, usesChromiumLoader } from '../../shared/vulkan';
import { installWriteBufferUploads } from './kernels/webgpu/upload';
import type { BackendCandidate } from './select';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  description: string;
  /** A CPU implementation of WebGPU, not a GPU. */
  software: boolean;
}

const NO_LOADER = 'no GPU adapter: the Vulkan loader (libvulkan1) is not installed';
/** On Linux with chromium's stock loader (the system has none), no driver it would find. */
const noDriverForChromiumLoader = () => process.platform === 'linux' && usesChromiumLoader() && !hasVulkanDriver();
const NO_DRIVER =
  'no GPU adapter: no Vulkan driver is installed (no ICD file in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d, none named by VK_DRIVER_FILES; install your GPU vendor\'s Vulkan driver)';
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

/** What the adapter says about itself, and whether it is a software rasteriser. */
export function describeAdapter(info: Partial<AdapterDescription> & { isFallbackAdapter?: boolean; adapterType?: string }, isFallback = false): AdapterDescription {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = info.description ?? '';
  const software = isFallback || info.isFallbackAdapter === true || info.adapterType === 'cpu' || SOFTWARE.test(`${vendor} ${architecture} ${description}`);
  return { vendor, architecture, description, software };
}

export function adapterLabel(a: AdapterDescription): string {
  const name = [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'an unnamed adapter';
  return a.software ? `${name} (software rendering, not a GPU)` : name;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null>;
}

/** Gives this Node process a `navigator.gpu` backed by Dawn (the browser and Electron's renderer have their own). */
async function installNodeGpu(): Promise<GpuLike> {
  const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (existing) return existing;
  const dawn = (await import('webgpu')) as unknown as { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const g = globalThis as { navigator?: object };
  if (!g.navigator) g.navigator = {};
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

export interface WebGpuOptions {
  /** Accept a software adapter (only when the user asked for webgpu by name). */
  allowSoftware: boolean;
}

export function webgpuCandidate(options: WebGpuOptions): BackendCandidate & { adapter: () => AdapterDescription | null } {
  let adapter: AdapterDescription | null = null;
  return {
    name: 'webgpu',
    provider: '@tensorflow/tfjs-backend-webgpu',
    adapter: () => adapter,
    load: async () => {
      // Without a loader, or with chromium's stock loader and no driver for it, Dawn reaches no GPU
      // on Linux and only prints the loader's warnings trying: skipped when choosing automatically
      // (asked for by name, Dawn is still asked, for its own answer). A system loader may be built
      // to look elsewhere (NixOS, Flatpak), so with one Dawn is always asked.
      if (process.platform === 'linux' && !options.allowSoftware) {
        if (!hasVulkanLoader()) throw new Error(NO_LOADER);
        if (noDriverForChromiumLoader()) throw new Error(NO_DRIVER);
      }
      const gpu = await installNodeGpu();
      const found = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!found) {
        throw new Error(
          process.platform === 'linux' && !hasVulkanLoader()
            ? NO_LOADER
            : noDriverForChromiumLoader()
              ? NO_DRIVER
              : 'no GPU adapter found (no WebGPU-capable GPU, or no Vulkan/Metal/D3D12 driver for it)',
        );
      }
      adapter = describeAdapter((found.info ?? {}) as Partial<AdapterDescription>, found.isFallbackAdapter === true);
      if (adapter.software && !options.allowSoftware) {
        throw new Error(`only a software adapter was found (${adapterLabel(adapter)}): slower than wasm, so used only with --backend webgpu`);
      }
      const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
      installWriteBufferUploads(WebGPUBackend.prototype);
    },
  };
}
