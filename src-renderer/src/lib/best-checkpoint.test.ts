import { describe, expect, it } from 'vitest';
import type { CheckpointInfoShape } from '../../../src-main/api/projects';
import type { RunStatusShape } from '../../../src-main/api/training';
import { bestBeforeNewest, openedAtBest, trainingNow } from './best-checkpoint';

const at = (step: number, best = false): CheckpointInfoShape => ({ file: `ckpt-${String(step).padStart(9, '0')}.gsc`, step, bytes: 1, savedAt: '2026-12-05T00:00:00Z', best });

describe('bestBeforeNewest', () => {
  it('is the checkpoint the evaluation chose when it is not the newest', () => {
    expect(bestBeforeNewest([at(300), at(200, true), at(100)], false)?.step).toBe(200);
  });

  it('is null for a run whose best is its newest (a run without evaluation marks its final one)', () => {
    expect(bestBeforeNewest([at(300, true), at(200), at(100)], false)).toBeNull();
  });

  it('is null without a best mark, without checkpoints, and while the run trains', () => {
    expect(bestBeforeNewest([at(300), at(200)], false)).toBeNull();
    expect(bestBeforeNewest([], false)).toBeNull();
    expect(bestBeforeNewest([at(300), at(200, true)], true)).toBeNull();
  });

  it('says where the run opened and where "Latest" is', () => {
    expect(openedAtBest(at(6000, true), at(6500))).toBe('Opened at step 6,000, the checkpoint this run’s evaluation scored best. “Latest” is step 6,500.');
  });
});

describe('trainingNow', () => {
  const status = (state: RunStatusShape['state'], step: number): RunStatusShape => ({ runId: 'r', state, step, steps: 30 }) as RunStatusShape;

  it('is the run running, or paused with steps to go', () => {
    expect(trainingNow(status('running', 10), 'r')).toBe(true);
    expect(trainingNow(status('paused', 10), 'r')).toBe(true);
    expect(trainingNow(status('running', 10), 'other')).toBe(false);
    expect(trainingNow(null, 'r')).toBe(false);
  });

  it('is not a finished run reopened in the Train view (paused at its last step), nor an ended one', () => {
    expect(trainingNow(status('paused', 30), 'r')).toBe(false);
    expect(trainingNow(status('completed', 30), 'r')).toBe(false);
    expect(trainingNow(status('stopped', 12), 'r')).toBe(false);
  });
});
