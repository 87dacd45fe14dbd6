/**
 * The bookkeeping of an import, free of I/O: which files the previous import already decoded, and
 * which decoded files make the dataset (first of each content hash in path order) under which
 * labels.
 */
import type { FileRow, Manifest } from './manifest';
import { compare, type ScannedFile } from './scan';
import type { SkipCode, SkippedFile } from './types';

/** What decoding a file gave; a reused one comes from the previous manifest instead. */
export type Outcome = { ok: true; hash: string } | { ok: false; hash: string | null; code: SkipCode; reason: string };

/** Verdicts about the bytes themselves, so unchanged bytes get the same verdict without a retry. */
const STICKY_SKIPS: ReadonlySet<SkipCode> = new Set(['empty', 'unsupported', 'corrupt', 'too-many-pixels', 'too-large', 'too-small', 'extreme-aspect']);

export interface ReusePlan {
  reused: Map<string, Outcome>;
  toDecode: ScannedFile[];
}

/**
 * A file is reused when path, size and mtime match a row of a previous import made with the same
 * pixel options from the same folder. Failures to read (permissions) are always retried.
 */
export function planReuse(files: readonly ScannedFile[], previous: Manifest | null): ReusePlan {
  const rows = new Map((previous?.files ?? []).map((r) => [r.path, r]));
  const reused = new Map<string, Outcome>();
  const toDecode: ScannedFile[] = [];
  for (const file of files) {
    const row = rows.get(file.path);
    const same = row !== undefined && row.size === file.size && row.mtimeMs === file.mtimeMs;
    if (same && row.status !== 'skipped' && row.hash !== null) {
      reused.set(file.path, { ok: true, hash: row.hash });
    } else if (same && row.status === 'skipped' && row.code && STICKY_SKIPS.has(row.code)) {
      reused.set(file.path, { ok: false, hash: row.hash, code: row.code, reason: row.reason ?? row.code });
    } else {
      toDecode.push(file);
    }
  }
  return { reused, toDecode };
}

export interface Assembly {
  /** Every entry, in path order; kept rows still lack their storage index. */
  rows: FileRow[];
  kept: FileRow[];
  classNames: string[];
  duplicates: number;
  skipped: SkippedFile[];
}

export function assemble(
  files: readonly ScannedFile[],
  outcomes: ReadonlyMap<string, Outcome>,
  scanSkipped: readonly SkippedFile[],
  labelsFromFolders: boolean,
): Assembly {
  const rows: FileRow[] = [];
  const firstWithHash = new Map<string, { path: string; label: string | null }>();
  let duplicates = 0;
  for (const file of files) {
    const outcome = outcomes.get(file.path);
    if (!outcome) throw new Error(`no outcome for ${file.path}`);
    const base = { path: file.path, size: file.size, mtimeMs: file.mtimeMs, hash: outcome.hash, label: labelsFromFolders ? file.folder : null };
    if (!outcome.ok) {
      rows.push({ ...base, status: 'skipped', code: outcome.code, reason: outcome.reason });
      continue;
    }
    const original = firstWithHash.get(outcome.hash);
    if (original !== undefined) {
      duplicates++;
      rows.push(
        original.label === base.label
          ? { ...base, status: 'duplicate', code: 'duplicate', reason: `duplicate of ${original.path}` }
          : {
              ...base,
              status: 'duplicate',
              code: 'cross-class-duplicate',
              reason: `the same image as ${original.path}: kept ${classOf(original.label)} only, so it trains ${original.label === null ? 'unlabelled' : `as “${original.label}”`}, not ${base.label === null ? 'unlabelled' : `as “${base.label}”`}`,
            },
      );
    } else {
      firstWithHash.set(outcome.hash, { path: file.path, label: base.label });
      rows.push({ ...base, status: 'ok' });
    }
  }
  for (const s of scanSkipped) {
    rows.push({ path: s.path, size: null, mtimeMs: null, hash: null, label: null, status: 'skipped', code: s.code, reason: s.reason });
  }
  rows.sort((a, b) => compare(a.path, b.path));
  const kept = rows.filter((r) => r.status === 'ok');
  const classNames = [...new Set(kept.map((r) => r.label).filter((l): l is string => l !== null))].sort(compare);
  const skipped = rows
    .filter((r) => r.status !== 'ok')
    .map((r) => ({ path: r.path, code: r.code ?? 'corrupt', reason: r.reason ?? '' }));
  return { rows, kept, classNames, duplicates, skipped };
}

const classOf = (label: string | null) => (label === null ? 'at the top level (no class)' : `in class “${label}”`);

/** The sentence shown when nothing could be imported. */
export function noUsableImagesMessage(sourceDir: string, skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return `No images found in ${sourceDir}: it contains no files.`;
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.code, (byReason.get(s.code) ?? 0) + 1);
  const parts = [...byReason].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n} ${REASON_LABEL[code as SkipCode]}`);
  return `No usable images found in ${sourceDir}. Skipped ${skipped.length} ${skipped.length === 1 ? 'entry' : 'entries'}: ${parts.join(', ')}.`;
}

const REASON_LABEL: Record<SkipCode, string> = {
  'not-image': 'not an image',
  hidden: 'hidden',
  empty: 'empty',
  unreadable: 'unreadable',
  'broken-symlink': 'broken symlink',
  'symlink-loop': 'symlink loop',
  unsupported: 'unrecognised format',
  corrupt: 'corrupt or truncated',
  'too-many-pixels': 'too many pixels',
  'too-large': 'too large',
  'too-small': 'too small',
  'extreme-aspect': 'too long and thin',
  duplicate: 'duplicate',
  'cross-class-duplicate': 'duplicate across classes',
};
