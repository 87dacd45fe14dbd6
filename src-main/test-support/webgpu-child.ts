/**
 * Runs a test-support script that uses WebGPU in its own Node process, with the Vulkan setup Dawn
 * reads at start (SwiftShader where Debian's chromium package installed it), and returns the JSON
 * object it prints last.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SWIFTSHADER_ICD, engineGpuEnv } from '../shared/vulkan';

export function runWebGpuScript<T>(script: string, args: string[] = []): Promise<T> {
  const env = { ...process.env, ...engineGpuEnv(), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir(), ...(existsSync(SWIFTSHADER_ICD) ? { VK_ICD_FILENAMES: SWIFTSHADER_ICD } : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`${script} exited with ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(last) as T);
    });
  });
}
