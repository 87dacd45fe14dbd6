/** A test file's one tiny trained run (a DCGAN on the digits, cpu backend), trained in its beforeAll. */
import { beforeAll } from 'vitest';
import type { TrainConfig } from '../api/train-config';
import { trainTinyRunOnCpu, type TinyRun } from '../engine/sampling/testing';

export function useTinyRunOnCpu(config?: TrainConfig): { readonly run: TinyRun } {
  let trained: TinyRun | null = null;
  beforeAll(async () => {
    trained = await trainTinyRunOnCpu(config);
  }, 60_000);
  return {
    get run(): TinyRun {
      if (!trained) throw new Error('The tiny run is trained in beforeAll: use it inside a test.');
      return trained;
    },
  };
}
