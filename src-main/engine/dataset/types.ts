/** Shapes shared by the scanner, the decoder, the importer and their callers. */

/** Why a file is not in the dataset; a stable code for the UI plus a sentence for people. */
export type SkipCode =
  | 'not-image'
  | 'hidden'
  | 'empty'
  | 'unreadable'
  | 'broken-symlink'
  | 'symlink-loop'
  | 'unsupported'
  | 'corrupt'
  | 'too-many-pixels'
  | 'too-large'
  /** Under MIN_IMAGE_SIDE pixels on a side (tracking pixels, favicons), or longer than MAX_ASPECT times its width (banners, strips). */
  | 'too-small'
  | 'extreme-aspect'
  | 'duplicate'
  /** The same bytes as a file in another class folder: kept there only, so it trains with that label. */
  | 'cross-class-duplicate';

export interface SkippedFile {
  /** Relative to the import root, with `/` separators. */
  path: string;
  code: SkipCode;
  reason: string;
}

export type ImportPhase = 'scan' | 'decode' | 'write' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  /** Files handled so far in this phase (found, decoded or written). */
  done: number;
  /** Files this phase will handle; 0 while scanning, when the total is not yet known. */
  total: number;
  imagesPerSecond: number;
  /** null until a rate is known. */
  etaSeconds: number | null;
}

export interface ClassCount {
  name: string;
  count: number;
}

export interface ImportReport {
  imported: number;
  /** Every file not in the dataset, duplicates included, in path order. */
  skipped: SkippedFile[];
  duplicates: number;
  /** Files decoded in this run; the rest were reused from the previous import. */
  decoded: number;
  reused: number;
  classes: ClassCount[];
  elapsedMs: number;
}

export type DatasetErrorCode = 'no-usable-images' | 'cancelled' | 'source-unreadable' | 'invalid-dataset' | 'decoder-failed' | 'disk-full';

/** An import or read failure with a message fit to show as is. */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly userMessage: string;
  /** For no-usable-images: what was found instead, so the UI can say why. */
  readonly skipped: SkippedFile[];

  constructor(code: DatasetErrorCode, userMessage: string, options: { cause?: unknown; skipped?: SkippedFile[] } = {}) {
    super(userMessage, { cause: options.cause });
    this.name = code === 'cancelled' ? 'AbortError' : 'DatasetError';
    this.code = code;
    this.userMessage = userMessage;
    this.skipped = options.skipped ?? [];
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DatasetError('cancelled', 'Import cancelled; the previous dataset is unchanged.');
}

/**
 * A full disk (or quota) met while writing the dataset — found on the error or its causes, since
 * a decode worker's pixel write arrives wrapped — as a DatasetError naming the folder; else null.
 * The staging copy is removed, so the previous dataset is what remains.
 */
export function diskFullError(err: unknown, datasetDir: string): DatasetError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new DatasetError(
        'disk-full',
        `The disk is full${code === 'EDQUOT' ? ' (your quota is used up)' : ''}: the dataset could not be written in ${datasetDir}. ` +
          'Free some space there (the import needs about as much as the images take decoded), then import again; the previous dataset is unchanged.',
        { cause: e },
      );
    }
  }
  return null;
}
