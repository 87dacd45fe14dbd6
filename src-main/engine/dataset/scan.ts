/**
 * Walks an import folder and lists the files worth decoding. Symlinks are followed (people link
 * photo folders in) with each real folder visited once, so loops and diamonds end. Nothing found
 * here is fatal: every entry that will not become an image is listed with a reason.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { DatasetError, type SkippedFile } from './types';

/** Extensions handed to the decoder; formats this sharp build cannot read fail there with a reason. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png', '.jpg', '.jpeg', '.jpe', '.jfif', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif', '.heic', '.heif',
]);

export interface ScannedFile {
  /** Relative to the root with `/` separators: the key of the manifest. */
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
  /** The immediate subfolder of the root the file sits under; null at the top level. */
  folder: string | null;
}

export interface ScanResult {
  files: ScannedFile[];
  skipped: SkippedFile[];
}

export interface ScanOptions {
  /** Folders never entered, such as the dataset being written when it lives inside the source. */
  exclude?: string[];
  signal?: AbortSignal;
  onFound?: (filesSoFar: number) => void;
}

// Stat calls in flight per folder: enough to hide disk latency without a burst of open handles.
const STAT_CONCURRENCY = 64;

export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  let rootStats: Stats;
  try {
    rootStats = await stat(root);
  } catch (cause) {
    throw new DatasetError('source-unreadable', `The folder ${root} cannot be opened (${errCode(cause)}).`, { cause });
  }
  if (!rootStats.isDirectory()) {
    throw new DatasetError('source-unreadable', `${root} is not a folder.`);
  }
  const visited = new Map<string, string>([[inodeKey(rootStats), '.']]);
  for (const dir of options.exclude ?? []) {
    const s = await stat(dir).catch(() => null);
    if (s?.isDirectory()) visited.set(inodeKey(s), '');
  }

  const files: ScannedFile[] = [];
  const skipped: SkippedFile[] = [];
  const pending: string[] = ['']; // relative folder paths still to read
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const relDir = pending.pop()!;
    let names: string[];
    try {
      names = (await readdir(join(root, relDir))).sort();
    } catch (cause) {
      skipped.push({ path: relDir || '.', code: 'unreadable', reason: `folder cannot be read (${errCode(cause)})` });
      continue;
    }
    for (let i = 0; i < names.length; i += STAT_CONCURRENCY) {
      const batch = names.slice(i, i + STAT_CONCURRENCY);
      const entries = await Promise.all(batch.map((name) => classify(root, relDir, name)));
      for (const entry of entries) {
        if (entry.kind === 'skip') skipped.push(entry.skip);
        else if (entry.kind === 'file') files.push(entry.file);
        else if (entry.kind === 'dir') {
          const key = inodeKey(entry.stats);
          const seen = visited.get(key);
          if (seen === '') continue; // excluded
          if (seen !== undefined) {
            skipped.push({ path: entry.path, code: 'symlink-loop', reason: `symlink loop: leads back to ${seen === '.' ? 'the import folder' : seen}, already scanned` });
          } else {
            visited.set(key, entry.path);
            pending.push(entry.path);
          }
        }
      }
      options.onFound?.(files.length);
    }
  }
  files.sort((a, b) => compare(a.path, b.path));
  skipped.sort((a, b) => compare(a.path, b.path));
  return { files, skipped };
}

type Entry =
  | { kind: 'file'; file: ScannedFile }
  | { kind: 'dir'; path: string; stats: Stats }
  | { kind: 'skip'; skip: SkippedFile }
  | { kind: 'ignore' };

async function classify(root: string, relDir: string, name: string): Promise<Entry> {
  const path = relDir ? `${relDir}/${name}` : name;
  const absPath = join(root, path);
  const isImageName = IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
  // Dot entries are tool droppings (.git, .DS_Store, macOS "._x.jpg" resource forks); only those
  // that look like images are worth a line in the report.
  if (name.startsWith('.')) {
    return isImageName ? { kind: 'skip', skip: { path, code: 'hidden', reason: 'hidden file' } } : { kind: 'ignore' };
  }
  let stats: Stats;
  try {
    stats = await stat(absPath); // follows symlinks
  } catch (cause) {
    const code = errCode(cause);
    if (code === 'ELOOP') return { kind: 'skip', skip: { path, code: 'symlink-loop', reason: 'symlink loop' } };
    if (code === 'ENOENT') return { kind: 'skip', skip: { path, code: 'broken-symlink', reason: 'broken symlink (target missing)' } };
    return { kind: 'skip', skip: { path, code: 'unreadable', reason: `cannot be read (${code})` } };
  }
  if (stats.isDirectory()) return { kind: 'dir', path, stats };
  if (!isImageName) {
    const ext = extname(name);
    return { kind: 'skip', skip: { path, code: 'not-image', reason: ext ? `not an image (${ext})` : 'not an image' } };
  }
  // A FIFO or device named x.png would block or stream forever in the decoder.
  if (!stats.isFile()) return { kind: 'skip', skip: { path, code: 'not-image', reason: 'not a regular file' } };
  try {
    await access(absPath, constants.R_OK);
  } catch (cause) {
    return { kind: 'skip', skip: { path, code: 'unreadable', reason: `cannot be read (${errCode(cause)})` } };
  }
  const slash = path.indexOf('/');
  const folder = slash > 0 ? path.slice(0, slash) : null;
  return { kind: 'file', file: { path, absPath, size: stats.size, mtimeMs: stats.mtimeMs, folder } };
}

function inodeKey(s: Stats): string {
  return `${s.dev}:${s.ino}`;
}

export function errCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
}

/** Code-unit order, identical on every platform and locale, so shard layouts are reproducible. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
