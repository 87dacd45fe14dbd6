import { describe, expect, it } from 'vitest';
import { selectBackend, type BackendCandidate } from './select';

const missing = (name: string) => async () => {
  throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
};
const candidates: BackendCandidate[] = [
  { name: 'tensorflow', provider: '@tensorflow/tfjs-node-gpu', load: missing('@tensorflow/tfjs-node-gpu') },
  {
    name: 'tensorflow',
    provider: '@tensorflow/tfjs-node',
    load: async () => {
      throw new Error('libcudart.so.11.0: cannot open shared object file');
    },
  },
  { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', load: () => import('@tensorflow/tfjs-backend-wasm') },
  { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', load: () => import('@tensorflow/tfjs-backend-cpu') },
];

describe('selectBackend', () => {
  it('falls through to the first backend that works and says why the better ones did not', async () => {
    const report = await selectBackend({ candidates, registerKernels: (name) => [`${name}:Example`] });
    expect(report.active).toBe('wasm');
    expect(report.customKernels).toEqual(['wasm:Example']);
    expect(report.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['@tensorflow/tfjs-node-gpu', false],
      ['@tensorflow/tfjs-node', false],
      ['@tensorflow/tfjs-backend-wasm', true],
      ['@tensorflow/tfjs-backend-cpu', false],
    ]);
    expect(report.attempts[0]!.detail).toMatch(/not installed.*optional dependency/);
    expect(report.attempts[1]!.detail).toMatch(/CUDA libraries not found/);
    expect(report.attempts[3]!.detail).toMatch(/not needed/);
  });

  it('honours an explicit preference', async () => {
    const report = await selectBackend({ candidates, preference: 'cpu' });
    expect(report.active).toBe('cpu');
    expect(report.attempts.filter((a) => a.ok).map((a) => a.name)).toEqual(['cpu']);
    expect(report.attempts[2]!.detail).toMatch(/"cpu" was requested/);
  });

  it('falls back to cpu when the requested backend is unavailable', async () => {
    const report = await selectBackend({ candidates, preference: 'tensorflow' });
    expect(report.active).toBe('cpu');
    expect(report.attempts.at(-1)!.detail).toMatch(/fallback after "tensorflow" failed/);
  });
});
