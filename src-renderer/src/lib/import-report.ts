/** What the Data view says about an import: the summary line, the skipped list and its CSV export. */
import type { z } from 'zod';
import type { importProgressSchema, importReportSchema, projectDatasetSchema, skippedFileSchema } from '../../../src-main/api/dataset';
import { formatCount, plural } from './format';
import { csvText } from '../../../src-main/shared/csv';

export type SkippedFile = z.infer<typeof skippedFileSchema>;
export type ImportReport = z.infer<typeof importReportSchema>;
export type ImportProgress = z.infer<typeof importProgressSchema>;
export type ProjectDataset = z.infer<typeof projectDatasetSchema>;

/**
 * "Imported 3,412 images · 21 skipped (17 corrupt, 4 duplicates) · 12.3 s". Skipped means every
 * file not imported, duplicates included — the number the Skipped files heading shows too.
 * `clientSkipped`: files the browser left out before uploading.
 */
export function summaryLine(report: ImportReport, clientSkipped: readonly SkippedFile[] = []): string {
  const counts = skippedCounts(report.skippedCounts, clientSkipped);
  const parts = [`Imported ${plural(report.imported, 'image')}`, skippedPhrase(counts)];
  if (report.reused) parts.push(`${formatCount(report.reused)} reused from the last import`);
  parts.push(formatSeconds(report.elapsedMs / 1000));
  return parts.join(' · ');
}

/** "Uploaded 3,793 files (52.4 MiB) in 1 min 8 s, then imported in 21.0 s": where the wait went, in web mode. */
export function timingLine(upload: { files: number; bytes: number; ms: number }, importMs: number, formatBytes: (n: number) => string): string {
  return `Uploaded ${plural(upload.files, 'file')} (${formatBytes(upload.bytes)}) in ${formatSeconds(upload.ms / 1000)}, then imported in ${formatSeconds(importMs / 1000)}`;
}

/** What the skip codes are called where people read them (the CSV keeps the codes). */
const CATEGORY: Record<string, { one: string; many: string }> = {
  duplicate: { one: 'duplicate', many: 'duplicates' },
  'cross-class-duplicate': { one: 'duplicate across classes', many: 'duplicates across classes' },
  corrupt: { one: 'corrupt', many: 'corrupt' },
  unsupported: { one: 'unsupported format', many: 'unsupported format' },
  empty: { one: 'empty', many: 'empty' },
  'not-image': { one: 'not an image', many: 'not images' },
  hidden: { one: 'hidden', many: 'hidden' },
  unreadable: { one: 'unreadable', many: 'unreadable' },
  'broken-symlink': { one: 'broken symlink', many: 'broken symlinks' },
  'symlink-loop': { one: 'symlink loop', many: 'symlink loops' },
  'too-many-pixels': { one: 'too many pixels', many: 'too many pixels' },
  'too-large': { one: 'too large', many: 'too large' },
  'too-small': { one: 'too small', many: 'too small' },
  'extreme-aspect': { one: 'too long and thin', many: 'too long and thin' },
};

export function categoryOf(code: string): string {
  return CATEGORY[code]?.one ?? code;
}

/** Files left out per skip code: the engine's counts (the whole import) plus the browser's own. */
export function skippedCounts(engine: Readonly<Record<string, number>>, clientSkipped: readonly SkippedFile[] = []): Map<string, number> {
  const counts = new Map(Object.entries(engine));
  for (const s of clientSkipped) counts.set(s.code, (counts.get(s.code) ?? 0) + 1);
  return counts;
}

export function skippedTotal(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

/** "4 duplicates, 17 corrupt" — most first. */
export function skippedBreakdown(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => `${formatCount(n)} ${n === 1 ? categoryOf(code) : (CATEGORY[code]?.many ?? code)}`)
    .join(', ');
}

/** "21 skipped (17 corrupt, 4 duplicates)", or "0 skipped". */
export function skippedPhrase(counts: ReadonlyMap<string, number>): string {
  const total = skippedTotal(counts);
  return total ? `${formatCount(total)} skipped (${skippedBreakdown(counts)})` : '0 skipped';
}

/**
 * Words each reason may start with that say its category again ("duplicate of a.png", "empty
 * file (0 bytes)"); they are left off where the category is shown beside the reason.
 */
const REPEATS: Record<string, readonly string[]> = {
  duplicate: ['duplicate'],
  corrupt: ['corrupt image', 'corrupt'],
  empty: ['empty file', 'empty'],
  'not-image': ['not an image file', 'not an image'],
  hidden: ['hidden file', 'hidden'],
  unreadable: ['cannot be read', 'unreadable'],
  'broken-symlink': ['broken symlink'],
  'symlink-loop': ['symlink loop'],
  'too-many-pixels': ['too many pixels'],
  'too-large': ['file too large', 'too large'],
  'too-small': ['too small'],
  unsupported: ['unsupported format', 'unsupported'],
};

/** A skipped row as shown: its category once, then what the reason adds ("duplicate", "of a.png"). */
export function describeSkip(row: SkippedFile): { category: string; detail: string } {
  let detail = row.reason.trim();
  const lower = detail.toLowerCase();
  const repeat = (REPEATS[row.code] ?? [row.code]).find((word) => lower.startsWith(word) && !/\w/.test(lower[word.length] ?? ''));
  if (repeat) detail = detail.slice(repeat.length).replace(/^[\s:,;·—-]+/, '');
  const wrapped = /^\(([^()]*)\)$/.exec(detail);
  if (wrapped) detail = wrapped[1]!;
  return { category: categoryOf(row.code), detail };
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "about 12 s left" style, or '' while no estimate is known. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  return seconds < 1 ? 'almost done' : `about ${formatSeconds(Math.ceil(seconds)).replace('.0 s', ' s')} left`;
}

/** Rows matching a case-insensitive filter on path, code or reason. */
export function filterSkipped(rows: readonly SkippedFile[], query: string): SkippedFile[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...rows];
  return rows.filter((r) => r.path.toLowerCase().includes(q) || r.reason.toLowerCase().includes(q) || r.code.toLowerCase().includes(q));
}

/** RFC 4180 CSV; cells a spreadsheet would run as formulas get a leading apostrophe. */
export function skippedCsv(rows: readonly SkippedFile[]): string {
  return csvText([['path', 'code', 'reason'], ...rows.map((r) => [r.path, r.code, r.reason])]);
}

/** Starts a download of `text` without navigating (a blob: link with `download`). */
export function downloadText(text: string, filename: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // Revoked later, not at once: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from a dataset name ("My cats" → "my-cats-skipped.csv"). */
export function reportFilename(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'dataset';
  return `${slug}-skipped.csv`;
}

const UPLOAD_DIR = /[\\/]\.uploads[\\/][a-f0-9]{32}[\\/]?$/;

/** Web-mode imports come from a temporary upload folder; say that instead of its path. */
export function describeSource(source: string): string {
  return UPLOAD_DIR.test(source) ? 'Uploaded in the browser' : source;
}

/** Replaces an upload folder's path in an engine message with the name of the folder the user picked. */
export function withFolderName(message: string, folder: string | null): string {
  const name = folder ? `“${folder}”` : 'the uploaded files';
  return message.replace(/(^|\s)(?:[A-Za-z]:)?[\\/][^\n]*?[\\/]\.uploads[\\/][a-f0-9]{32}[\\/]?/g, (_, space: string) => `${space}${name}`);
}
