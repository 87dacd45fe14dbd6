import { describe, expect, it } from 'vitest';
import { HEAT_SIZE, LEARN_EXTENT } from '../../../../src-main/api/learn';
import { arrowSegments, heatPixels, sprinkle, toCanvas, toPlot } from './plot';

describe('Learn plot geometry', () => {
  it('maps the window’s corners with y up and round-trips', () => {
    expect(toCanvas(-LEARN_EXTENT, LEARN_EXTENT, 400)).toEqual([0, 0]);
    expect(toCanvas(LEARN_EXTENT, -LEARN_EXTENT, 400)).toEqual([400, 400]);
    expect(toCanvas(0, 0, 400)).toEqual([200, 200]);
    const [x, y] = toPlot(...toCanvas(0.75, -1.25, 333), 333);
    expect(x).toBeCloseTo(0.75, 9);
    expect(y).toBeCloseTo(-1.25, 9);
  });

  it('clamps pixels outside the canvas into the window', () => {
    expect(toPlot(-50, 900, 400)).toEqual([-LEARN_EXTENT, -LEARN_EXTENT]);
  });

  it('colours D’s surface green where it says real, purple where it says generated, white at ½', () => {
    const heat = new Array<number>(HEAT_SIZE * HEAT_SIZE).fill(0.5);
    heat[0] = 1;
    heat[1] = 0;
    const px = heatPixels(heat);
    expect([...px.slice(0, 4)]).toEqual([140, 203, 152, 255]);
    expect(px[4 + 0]! > px[4 + 1]!).toBe(true); // purple: more red than green
    expect([...px.slice(8, 12)]).toEqual([255, 255, 255, 255]);
  });

  it('scales arrows so the longest has the given length, flipping y for the canvas', () => {
    const segs = arrowSegments([0, 0, 1, 0, 0, 0, 0, 2], 400, 20);
    expect(segs).toEqual([200, 200, 210, 200, 200, 200, 200, 180]);
    expect(arrowSegments([0, 0, 0, 0], 400, 20)).toEqual([]);
  });

  it('sprinkles a round cloud of the requested size inside the window', () => {
    let s = 1;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const pts = sprinkle(1.99, 0, 200, 0.1, random);
    expect(pts).toHaveLength(400);
    const xs = pts.filter((_, i) => i % 2 === 0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(LEARN_EXTENT);
    const meanY = pts.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0) / 200;
    expect(Math.abs(meanY)).toBeLessThan(0.03);
  });
});
