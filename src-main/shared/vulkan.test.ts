import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasVulkanLoader } from './vulkan';

describe('hasVulkanLoader', () => {
  it('finds a loader in LD_LIBRARY_PATH (the GPU check packs one there)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vk-'));
    await writeFile(join(dir, 'libvulkan.so.1'), '');
    expect(hasVulkanLoader({ LD_LIBRARY_PATH: `/nowhere:${dir}` })).toBe(true);
  });

  it('answers the same as the system when LD_LIBRARY_PATH has none', () => {
    const system = hasVulkanLoader({});
    expect(hasVulkanLoader({ LD_LIBRARY_PATH: '/nowhere::' })).toBe(system);
  });
});
