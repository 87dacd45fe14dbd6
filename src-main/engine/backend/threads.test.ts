import { describe, expect, it } from 'vitest';
import { defaultThreads, parallelEnvVar, resolveParallel, resolveThreads, threadsEnvVar, trainingReplicas } from './threads';
import { backendLine } from '../../shared/backend-line';
import type { BackendReport } from '../../api/schemas';

describe('thread count setting', () => {
  it('defaults to every core on 1–2 cores, otherwise all but one, at most 8', () => {
    expect([1, 2, 3, 4, 8, 9, 16, 64].map((cores) => defaultThreads(cores))).toEqual([1, 2, 2, 3, 7, 8, 8, 8]);
  });

  it('takes --threads first, then the environment, then the default', () => {
    expect(resolveThreads('3', { [threadsEnvVar]: '5' })).toBe(3);
    expect(resolveThreads(undefined, { [threadsEnvVar]: '5' })).toBe(5);
    expect(resolveThreads(undefined, { [threadsEnvVar]: ' ' })).toBe(defaultThreads());
    expect(resolveThreads(undefined, {})).toBe(defaultThreads());
  });

  it('rejects counts outside 1..8 and says where they came from', () => {
    expect(() => resolveThreads('0', {})).toThrow(/--threads must be a whole number from 1 to 8 \(got "0"\)/);
    expect(() => resolveThreads('2.5', {})).toThrow(/--threads/);
    expect(() => resolveThreads(undefined, { [threadsEnvVar]: 'many' })).toThrow(/GAN_STUDIO_THREADS must be/);
    expect(() => resolveThreads('9', {})).toThrow(/from 1 to 8/);
  });
});

describe('how training uses the threads', () => {
  it('is data-parallel replicas unless GAN_STUDIO_PARALLEL says threads, and refuses anything else by name', () => {
    expect(resolveParallel({})).toBe('replicas');
    expect(resolveParallel({ [parallelEnvVar]: ' threads ' })).toBe('threads');
    expect(() => resolveParallel({ [parallelEnvVar]: 'both' })).toThrow('GAN_STUDIO_PARALLEL is "replicas" or "threads" (got "both")');
    expect([trainingReplicas(4, 'replicas'), trainingReplicas(4, 'threads'), trainingReplicas(1, 'replicas')]).toEqual([4, 1, 1]);
  });

  it('is named in the backend line', () => {
    const report: BackendReport = { active: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', attempts: [], customKernels: [], tfjsVersion: '4', threads: 1, trainingReplicas: 2 };
    expect(backendLine(report)).toBe('wasm (@tensorflow/tfjs-backend-wasm), training on 2 data-parallel replicas of one thread each');
    expect(backendLine({ ...report, threads: 2, trainingReplicas: undefined })).toBe('wasm (@tensorflow/tfjs-backend-wasm), 2 threads');
  });
});
