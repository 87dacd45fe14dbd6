import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasVulkanDriver, hasVulkanLoader, vulkanDriverFolders } from './vulkan';

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

describe('hasVulkanDriver', () => {
  it('searches the loader’s folders: XDG config and data, /etc and /usr/local/etc', () => {
    const folders = vulkanDriverFolders({ HOME: '/home/u', XDG_DATA_DIRS: '/a:/b' });
    expect(folders).toEqual(['/home/u/.config/vulkan/icd.d', '/etc/xdg/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d', '/home/u/.local/share/vulkan/icd.d', '/a/vulkan/icd.d', '/b/vulkan/icd.d']);
    expect(vulkanDriverFolders({ HOME: '/home/u' })).toContain('/usr/share/vulkan/icd.d');
  });

  it('finds a driver manifest in a data folder, or one named by VK_ICD_FILENAMES; an empty folder is no driver', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'vk-empty-'));
    const isolated = { HOME: empty, XDG_CONFIG_DIRS: empty, XDG_DATA_DIRS: empty };
    // /etc/vulkan/icd.d and /usr/local/etc/vulkan/icd.d are always searched: what this machine has there.
    const system = ['/etc/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d'].some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
    expect(hasVulkanDriver(isolated)).toBe(system);
    const data = await mkdtemp(join(tmpdir(), 'vk-data-'));
    await mkdir(join(data, 'vulkan/icd.d'), { recursive: true });
    expect(hasVulkanDriver({ ...isolated, XDG_DATA_DIRS: data })).toBe(system);
    await writeFile(join(data, 'vulkan/icd.d/nvidia_icd.json'), '{}');
    expect(hasVulkanDriver({ ...isolated, XDG_DATA_DIRS: data })).toBe(true);
    // VK_DRIVER_FILES (VK_ICD_FILENAMES) replaces the search: a missing file is no driver, whatever the folders hold.
    const named = join(empty, 'swiftshader.json');
    expect(hasVulkanDriver({ ...isolated, XDG_DATA_DIRS: data, VK_ICD_FILENAMES: named })).toBe(false);
    expect(hasVulkanDriver({ ...isolated, VK_ADD_DRIVER_FILES: named })).toBe(system);
    await writeFile(named, '{}');
    expect(hasVulkanDriver({ ...isolated, VK_ICD_FILENAMES: named })).toBe(true);
    expect(hasVulkanDriver({ ...isolated, VK_DRIVER_FILES: named })).toBe(true);
    expect(hasVulkanDriver({ ...isolated, VK_ADD_DRIVER_FILES: named })).toBe(true);
  });
});
