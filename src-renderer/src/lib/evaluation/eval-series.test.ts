import { describe, expect, it } from 'vitest';
import { EvalSeries } from './eval-series';

const point = (step: number, value: number, best: boolean) => ({ step, metric: 'kid' as const, value, std: 0.01, baseline: 0.002, best });

describe('EvalSeries', () => {
  it('collects values and baselines by step and follows the best', () => {
    const s = new EvalSeries();
    s.append([point(100, 0.5, true), point(200, 0.3, true), point(300, 0.4, false)]);
    expect(s.value).toEqual([{ x: 100, y: 0.5 }, { x: 200, y: 0.3 }, { x: 300, y: 0.4 }]);
    expect(s.baseline.map((p) => p.x)).toEqual([100, 200, 300]);
    expect(s.bestStep).toBe(200);
    expect(s.metric).toBe('kid');
  });

  it('drops the abandoned points of a rollback', () => {
    const s = new EvalSeries();
    s.append([point(100, 0.5, true), point(200, 0.3, true), point(300, 0.4, false)]);
    s.append([point(200, 0.35, false)]);
    expect(s.value).toEqual([{ x: 100, y: 0.5 }, { x: 200, y: 0.35 }]);
    expect(s.baseline).toHaveLength(2);
    expect(s.bestStep).toBe(100);
    expect(s.revision).toBe(1);
  });
});
