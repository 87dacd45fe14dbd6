/**
 * The one way the app writes a size: binary units, spelt KiB, MiB, GiB, TiB (1 MiB = 2^20 bytes),
 * so the WebAssembly heap limit (4,294,901,760 B) reads 4.0 GiB everywhere — Model view, config
 * review, Data view, CLI — rather than 4.3 GB in one place and 4.0 GiB in another. Under 10 units
 * one decimal, above whole numbers: "3.2 MiB", "157 MiB", "4.0 GiB".
 */
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

export const KiB = 2 ** 10;
export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (Math.abs(bytes) < KiB) return `${Math.round(bytes)} B`;
  let value = bytes / KiB;
  let unit = 0;
  // Rounded before the unit is chosen, so 1,048,575 B reads 1.0 MiB and not 1024 KiB.
  while (unit < UNITS.length - 1 && Math.abs(value) >= 1024 - 0.5) {
    value /= 1024;
    unit++;
  }
  const abs = Math.abs(value);
  return `${abs < 9.95 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ${UNITS[unit]}`;
}
