/** What differs between two configs, as "path: a → b" rows for the Model view's comparison. */

export interface DiffRow {
  /** Dotted path in TrainConfig, e.g. "optimizer.gLr". */
  path: string;
  a: string;
  b: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(value: unknown): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return value.length ? value.map(show).join(', ') : 'none';
  if (isObject(value)) return JSON.stringify(value);
  return String(value);
}

/** Every setting of a config as a row (dotted path and value), in the order fields appear. */
export function flattenConfig(config: unknown, prefix = ''): { path: string; value: string }[] {
  if (isObject(config)) return Object.entries(config).flatMap(([key, value]) => flattenConfig(value, prefix ? `${prefix}.${key}` : key));
  return [{ path: prefix, value: show(config) }];
}

/** Leaf-by-leaf differences, in the order fields appear in `a` (then fields only `b` has). */
export function diffConfigs(a: unknown, b: unknown, prefix = ''): DiffRow[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => diffConfigs(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  const [left, right] = [show(a), show(b)];
  return left === right ? [] : [{ path: prefix, a: left, b: right }];
}

export function formatDiffRow(row: DiffRow): string {
  return `${row.path}: ${row.a} → ${row.b}`;
}
