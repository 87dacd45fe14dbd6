/** Display helpers shared by views and the status bar. */

/** Sizes in binary units (KiB, MiB, GiB), the same helper the engine and the config review use. */
export { formatBytes } from '../../../src-main/shared/bytes';

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

export function pngDataUrl(pngBase64: string): string {
  return `data:image/png;base64,${pngBase64}`;
}

/** Largest whole-number zoom that keeps an image within maxPx, so pixels stay square and crisp. */
export function pixelZoom(size: number, maxPx: number): number {
  return Math.max(1, Math.floor(maxPx / size));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Passes over the dataset: fractions matter early in a run, not after hundreds of epochs. */
export function formatEpoch(epochs: number): string {
  if (epochs < 1) return epochs.toFixed(2);
  if (epochs < 100) return epochs.toFixed(1);
  return formatCount(Math.floor(epochs));
}
