/** What the Data view says about an import: the summary line, the skipped list and its CSV export. */
import type { z } from 'zod';
import type { importProgressSchema, importReportSchema, projectDatasetSchema, skippedFileSchema } from '../../../src-main/api/dataset';
import { formatCount, plural } from './format';

export type SkippedFile = z.infer<typeof skippedFileSchema>;
export type ImportReport = z.infer<typeof importReportSchema>;
export type ImportProgress = z.infer<typeof importProgressSchema>;
export type ProjectDataset = z.infer<typeof projectDatasetSchema>;

/** "Imported 3,412 images · 17 skipped · 4 duplicates · 12.3 s" (`extraSkipped`: left out before upload). */
export function summaryLine(report: ImportReport, extraSkipped = 0): string {
  const skipped = report.skipped.filter((s) => s.code !== 'duplicate').length + extraSkipped;
  const parts = [`Imported ${plural(report.imported, 'image')}`, `${formatCount(skipped)} skipped`];
  if (report.duplicates) parts.push(plural(report.duplicates, 'duplicate'));
  if (report.reused) parts.push(`${formatCount(report.reused)} reused from the last import`);
  parts.push(formatSeconds(report.elapsedMs / 1000));
  return parts.join(' · ');
}

/** "Uploaded 3,793 files (52.4 MiB) in 1 min 8 s, then imported in 21.0 s": where the wait went, in web mode. */
export function timingLine(upload: { files: number; bytes: number; ms: number }, importMs: number, formatBytes: (n: number) => string): string {
  return `Uploaded ${plural(upload.files, 'file')} (${formatBytes(upload.bytes)}) in ${formatSeconds(upload.ms / 1000)}, then imported in ${formatSeconds(importMs / 1000)}`;
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
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return ['path,code,reason', ...rows.map((r) => [r.path, r.code, r.reason].map(cell).join(','))].join('\r\n') + '\r\n';
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
