/**
 * Web mode's half of dataset import: the files of a folder the user chose or dropped go to the
 * server one POST each (`/api/upload/<uploadId>/<relative/path>`), a few at a time, before
 * `dataset.import` names the upload. Paths are relative to the import root, so the chosen folder's
 * own name is dropped and its subfolders become class labels.
 */
import { formatBytes } from './format';
import type { SkippedFile } from './import-report';

export interface UploadFile {
  file: File;
  /** Relative to the import root, `/`-separated. */
  path: string;
}

export interface UploadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** The server refuses larger bodies (413), so such files are left out before sending. */
export const MAX_UPLOAD_BYTES = 256 * 2 ** 20;
const MAX_DEPTH = 32;

/** 32 lowercase hex characters, as the server and `dataset.import` expect. */
export function newUploadId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Drops the first segment of a `webkitRelativePath` ("digits/3/a.png" → "3/a.png"). */
export function stripTopFolder(relativePath: string): string {
  const parts = relativePath.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join('/') : (parts[0] ?? '');
}

/** The folder the user picked, from any file's `webkitRelativePath`, or null for loose files. */
export function topFolderName(files: readonly File[]): string | null {
  const first = files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0];
  return first || null;
}

/** Files from `<input type="file" webkitdirectory>` (or a plain multi-file input: a flat folder). */
export function filesFromInput(list: Iterable<File>): UploadFile[] {
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath ? stripTopFolder(file.webkitRelativePath) : file.name }));
}

/** Why the server would refuse this path, or null when it is fine (mirrors ImportSources.uploadTarget). */
export function badPathReason(path: string): string | null {
  const parts = path.split('/');
  if (parts.length > MAX_DEPTH) return `Nested more than ${MAX_DEPTH} folders deep.`;
  if (parts.some((p) => !p || p === '.' || p === '..')) return 'The path has an empty or relative part.';
  if (parts.some((p) => /[\\\0:]/.test(p))) return 'The name contains \\, : or a NUL character, which cannot be uploaded.';
  if (parts.some((p) => p.length > 255)) return 'A name in the path is longer than 255 characters.';
  return null;
}

/** Splits what can be sent from what the browser has to leave out, with the reason for each. */
export function planUpload(files: readonly UploadFile[]): { send: UploadFile[]; skipped: SkippedFile[] } {
  const send: UploadFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const entry of files) {
    const bad = badPathReason(entry.path);
    if (bad) skipped.push({ path: entry.path, code: 'bad-name', reason: bad });
    else if (entry.file.size > MAX_UPLOAD_BYTES) {
      skipped.push({ path: entry.path, code: 'too-large', reason: `${formatBytes(entry.file.size)}: files over ${formatBytes(MAX_UPLOAD_BYTES)} are not uploaded.` });
    } else send.push(entry);
  }
  return { send, skipped };
}

export function uploadUrl(uploadId: string, path: string): string {
  return `/api/upload/${uploadId}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Thrown when the server refuses the upload as a whole (e.g. the session lost its cookie). */
export class UploadError extends Error {
  override name = 'UploadError';
}

/**
 * Sends every file, `concurrency` at a time. A file the server refuses on its own account (400,
 * 413) is reported and the rest go on; an authorisation or server failure stops the lot. Aborting
 * `signal` stops the remaining fetches and rejects with an AbortError.
 */
export async function uploadFiles(
  uploadId: string,
  files: readonly UploadFile[],
  options: { signal: AbortSignal; concurrency?: number; onProgress?: (progress: UploadProgress) => void },
): Promise<{ skipped: SkippedFile[] }> {
  const progress: UploadProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: files.reduce((n, f) => n + f.file.size, 0) };
  const skipped: SkippedFile[] = [];
  // One failure stops the other workers too, not only the one that hit it.
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  let next = 0;
  options.onProgress?.({ ...progress });

  async function worker(): Promise<void> {
    while (next < files.length) {
      signal.throwIfAborted();
      const { file, path } = files[next++]!;
      const response = await fetch(uploadUrl(uploadId, path), { method: 'POST', body: file, signal, credentials: 'same-origin' });
      if (response.status === 400 || response.status === 413) {
        const detail = (await response.text()).trim() || response.statusText;
        skipped.push({ path, code: 'upload-refused', reason: `The server refused the file (${response.status}${detail ? `: ${detail}` : ''}).` });
      } else if (!response.ok) {
        throw new UploadError(
          response.status === 401 || response.status === 403
            ? 'The server refused the upload: reload the page from the link `gan-studio serve` printed.'
            : `Uploading ${path} failed (HTTP ${response.status}).`,
        );
      }
      progress.filesDone++;
      progress.bytesDone += file.size;
      options.onProgress?.({ ...progress });
    }
  }

  const workers = Array.from({ length: Math.min(options.concurrency ?? 4, files.length) }, () =>
    worker().catch((err: unknown) => {
      stop.abort(err);
      throw err;
    }),
  );
  const results = await Promise.allSettled(workers);
  options.signal.throwIfAborted();
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw stop.signal.aborted ? stop.signal.reason : failed.reason;
  return { skipped };
}

