import { describe, expect, it } from 'vitest';
import { EvalSeries } from './eval-series';

// KID in raw units (×10⁻³ of what the chart shows).
const point = (step: number, shown: number, best: boolean) => ({ step, metric: 'kid' as const, value: shown / 1000, std: 0.01, baseline: 0.002, best });
const close = (xy: { x: number; y: number }[]) => xy.map((p) => ({ x: p.x, y: Math.round(p.y * 1e9) / 1e9 }));

describe('EvalSeries', () => {
  it('collects values and baselines by step and follows the best', () => {
    const s = new EvalSeries();
    s.append([point(100, 0.5, true), point(200, 0.3, true), point(300, 0.4, false)]);
    // The chart's values are at the display scale, KID ×10³.
    expect(close(s.value)).toEqual([{ x: 100, y: 0.5 }, { x: 200, y: 0.3 }, { x: 300, y: 0.4 }]);
    expect(close(s.baseline)[0]).toEqual({ x: 100, y: 2 });
    expect(s.baseline.map((p) => p.x)).toEqual([100, 200, 300]);
    expect(s.bestStep).toBe(200);
    expect(s.metric).toBe('kid');
  });

  it('drops the abandoned points of a rollback', () => {
    const s = new EvalSeries();
    s.append([point(100, 0.5, true), point(200, 0.3, true), point(300, 0.4, false)]);
    s.append([point(200, 0.35, false)]);
    expect(close(s.value)).toEqual([{ x: 100, y: 0.5 }, { x: 200, y: 0.35 }]);
    expect(s.baseline).toHaveLength(2);
    expect(s.bestStep).toBe(100);
    expect(s.revision).toBe(1);
  });
});
