/**
 * The runs table's logic, free of the view: its columns (fixed ones, plus one per setting that
 * differs between the runs shown), sorting with empty cells last, the search filter, and CSV.
 * Sorting 200 runs is a plain array sort on precomputed cell values.
 */
import type { RunTableRow } from '../../../src-main/api/projects';
import { flattenConfig } from './config-diff';
import { csvText } from '../../../src-main/shared/csv';

export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Shown before the user chooses (the column chooser toggles any). */
  visible: boolean;
  numeric: boolean;
  value(row: RunTableRow): Cell;
  /** How the table shows a value, where formatCell's four significant digits would not suit it (the CSV keeps the value). */
  format?(value: Cell): string;
}

export type RunState = 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'damaged';

/** A run's state: the live one for the open run, else what its folder says. */
export function runState(row: Pick<RunTableRow, 'damaged' | 'lastCheckpointStep' | 'steps' | 'endedStep'>, live: string | null): RunState {
  if (live === 'running' || live === 'paused') return live;
  if (row.damaged) return 'damaged';
  // Finished: all its steps, or ended early by its own rule at its newest checkpoint.
  const last = row.lastCheckpointStep;
  if (last !== null && (last >= row.steps || last === row.endedStep)) return 'completed';
  return live === 'failed' ? 'failed' : 'stopped';
}

/**
 * A run's dataset by the name the Data view gives it (`names`: by ref, null until the list has
 * loaded, when a ref is all there is to show), or its ref and "deleted" when it is gone.
 */
function datasetLabel(ref: string | null, names: ReadonlyMap<string, string> | null): string | null {
  if (ref === null) return null;
  if (ref === 'demo:mnist') return 'digits (demo)';
  const short = ref === 'project' ? 'first dataset' : ref.slice('project:'.length);
  if (!names) return short;
  return names.get(ref) ?? `${short} (deleted)`;
}

export function fixedColumns(stateOf: (row: RunTableRow) => RunState, datasetNames: ReadonlyMap<string, string> | null = null): Column[] {
  const column = (key: string, label: string, value: Column['value'], numeric = false, visible = true): Column => ({ key, label, value, numeric, visible });
  return [
    column('name', 'Run', (r) => r.name ?? r.runId),
    column('dataset', 'Dataset', (r) => datasetLabel(r.dataset, datasetNames)),
    column('preset', 'Model · loss', (r) => (r.config ? `${setting(r, 'model.architecture')} · ${setting(r, 'loss.kind')}` : null)),
    column('state', 'State', (r) => stateOf(r)),
    column('step', 'Steps', (r) => r.step, true),
    column('kidBest', 'Best KID ×10³', (r) => (r.kid ? r.kid.best * 1000 : null), true),
    column('kidLatest', 'Latest KID ×10³', (r) => (r.kid ? r.kid.latest * 1000 : null), true, false),
    column('fidBest', 'Best FID', (r) => r.fid?.best ?? null, true),
    column('fidLatest', 'Latest FID', (r) => r.fid?.latest ?? null, true, false),
    column('speed', 'Images/s', (r) => r.imagesPerSecond, true),
    { ...column('time', 'Training time (min)', (r) => r.trainSeconds / 60, true), format: formatMinutes },
    column('created', 'Created', (r) => r.created, false, false),
    column('tags', 'Tags', (r) => (r.tags.length ? r.tags.join(', ') : null)),
    column('notes', 'Notes', (r) => r.notes || null),
  ];
}

/** Each row's settings by dotted path, flattened once (rows are replaced, not mutated, when they change). */
const flattened = new WeakMap<RunTableRow, Map<string, string>>();

function setting(row: RunTableRow, path: string): string | null {
  let settings = flattened.get(row);
  if (!settings) flattened.set(row, (settings = new Map(flattenConfig(row.config ?? {}).map((s) => [s.path, s.value]))));
  return settings.get(path) ?? null;
}

/** One column per setting whose value is not the same in every run shown (by dotted path). */
export function differingColumns(rows: readonly RunTableRow[]): Column[] {
  const values = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!row.config) continue;
    for (const { path, value } of flattenConfig(row.config)) {
      let set = values.get(path);
      if (!set) values.set(path, (set = new Set()));
      set.add(value);
    }
  }
  const differing = [...values].filter(([, set]) => set.size > 1).map(([path]) => path);
  return differing.map((path) => ({
    key: `setting:${path}`,
    label: path,
    visible: true,
    numeric: rows.every((r) => { const v = setting(r, path); return v === null || Number.isFinite(Number(v)); }),
    value: (r: RunTableRow) => {
      const v = setting(r, path);
      return v === null ? null : Number.isFinite(Number(v)) && v !== '' ? Number(v) : v;
    },
  }));
}

export interface Sort {
  key: string;
  descending: boolean;
}

/** Rows sorted by one column; empty cells last whichever the direction; ties by creation, newest first. */
export function sortRows(rows: readonly RunTableRow[], column: Column, descending: boolean): RunTableRow[] {
  const keyed = rows.map((row) => ({ row, value: column.value(row) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? b.row.created.localeCompare(a.row.created) : a.value === null ? 1 : -1;
    const order = typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : String(a.value).localeCompare(String(b.value), undefined, { numeric: true });
    return (descending ? -order : order) || b.row.created.localeCompare(a.row.created);
  });
  return keyed.map((k) => k.row);
}

/** Rows any of whose cells, id, tags or notes contain every word of the query (case-insensitive). */
export function filterRows(rows: readonly RunTableRow[], columns: readonly Column[], query: string): RunTableRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  return rows.filter((row) => {
    const text = [row.runId, ...columns.map((c) => c.value(row))].filter((v) => v !== null).join(' ').toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The visible columns of the shown rows, as CSV (numbers unformatted, the run id first). */
export function tableCsv(rows: readonly RunTableRow[], columns: readonly Column[]): string {
  return csvText([['run_id', ...columns.map((c) => c.label)], ...rows.map((row) => [row.runId, ...columns.map((c) => c.value(row))])]);
}

/** A cell as the table shows it. */
/** Minutes to a tenth (to a hundredth under 10): 0.37, 12.5, 145. */
function formatMinutes(value: Cell): string {
  if (typeof value !== 'number') return formatCell(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 2 : value < 100 ? 1 : 0 });
}

/** A cell as the table shows it. */
export function shownCell(column: Column, row: RunTableRow): string {
  const value = column.value(row);
  return column.format ? column.format(value) : formatCell(value);
}

export function formatCell(value: Cell): string {
  if (value === null) return '—';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    // Four significant digits whatever the size: a learning rate of 0.0002 is not 0.
    const size = Math.abs(value);
    return size < 1e-4 ? value.toExponential(3).replace(/\.?0+e/, 'e') : value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  }
  return value;
}
