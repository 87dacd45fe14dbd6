/**
 * The Learn plot's geometry and colours, kept out of the canvas component so they are tested:
 * plot coordinates span [-LEARN_EXTENT, LEARN_EXTENT]² with y up; the canvas has y down.
 */
import { HEAT_SIZE, LEARN_EXTENT } from '../../../../src-main/api/learn';

/** Canvas pixel (0…size) of a plot coordinate. */
export function toCanvas(x: number, y: number, size: number): [number, number] {
  return [((x + LEARN_EXTENT) / (2 * LEARN_EXTENT)) * size, ((LEARN_EXTENT - y) / (2 * LEARN_EXTENT)) * size];
}

/** Plot coordinate of a canvas pixel, clamped to the window (the contract refuses points outside it). */
export function toPlot(px: number, py: number, size: number): [number, number] {
  const clamp = (v: number) => Math.max(-LEARN_EXTENT, Math.min(LEARN_EXTENT, v));
  return [clamp((px / size) * 2 * LEARN_EXTENT - LEARN_EXTENT), clamp(LEARN_EXTENT - (py / size) * 2 * LEARN_EXTENT)];
}

/**
 * The heat map as RGBA for a HEAT_SIZE² ImageData: 1 ("real" to D) is green, 0 ("generated") is
 * purple, ½ is white, matching the real and generated points' colours.
 */
export function heatPixels(heat: readonly number[]): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(HEAT_SIZE * HEAT_SIZE * 4));
  const real = [46, 160, 67];
  const fake = [137, 87, 229];
  for (let i = 0; i < HEAT_SIZE * HEAT_SIZE; i++) {
    const v = Math.max(0, Math.min(1, heat[i] ?? 0.5));
    const tint = v >= 0.5 ? real : fake;
    const t = Math.abs(v - 0.5) * 2 * 0.55; // at most 55 % colour, so the points stay visible
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round(255 + (tint[c]! - 255) * t);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * The generator's gradient arrows in canvas pixels, scaled so that the longest is `longest` pixels
 * long (their directions and relative lengths are what the plot shows; absolute gradient size is in
 * the readouts). Returns [x0, y0, x1, y1, …].
 */
export function arrowSegments(arrows: readonly number[], size: number, longest: number): number[] {
  let max = 0;
  for (let i = 0; i + 3 < arrows.length; i += 4) max = Math.max(max, Math.hypot(arrows[i + 2]!, arrows[i + 3]!));
  if (max === 0) return [];
  const out: number[] = [];
  for (let i = 0; i + 3 < arrows.length; i += 4) {
    const [x0, y0] = toCanvas(arrows[i]!, arrows[i + 1]!, size);
    const k = longest / max;
    // The canvas's y runs down, the plot's up.
    out.push(x0, y0, x0 + arrows[i + 2]! * k, y0 - arrows[i + 3]! * k);
  }
  return out;
}

/** A drag adds a little cloud around the pointer, so a stroke becomes a density, not a thin line. */
export function sprinkle(x: number, y: number, count: number, spread: number, random: () => number = Math.random): number[] {
  const out: number[] = [];
  const clamp = (v: number) => Math.max(-LEARN_EXTENT, Math.min(LEARN_EXTENT, v));
  for (let i = 0; i < count; i++) {
    // Box–Muller for a round cloud.
    const r = spread * Math.sqrt(-2 * Math.log(1 - random()));
    const a = 2 * Math.PI * random();
    out.push(clamp(x + r * Math.cos(a)), clamp(y + r * Math.sin(a)));
  }
  return out;
}
