/**
 * A directory of checkpoints for one training run (runs/<run-id>/checkpoints/): atomic saves,
 * keep-last-K pruning, a "best" pointer, and loading that falls back past damaged files.
 */
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../atomic';
import { CheckpointFormatError, DIGEST_BYTES, PREFIX_BYTES, checkSize, decodeCheckpoint, encodeCheckpoint, layout, parseHeader, parsePrefix, type Header } from './format';
import type { CheckpointInfo, CheckpointState, LoadedCheckpoint, SkippedCheckpoint } from './types';

export const CHECKPOINT_EXTENSION = '.gsc';
export const BEST_POINTER = 'best.json';
const NAME_RE = /^ckpt-(\d+)\.gsc$/;

/** Zero-padded so a plain directory listing sorts by step. */
export function checkpointFileName(step: number): string {
  return `ckpt-${String(step).padStart(9, '0')}${CHECKPOINT_EXTENSION}`;
}

export interface CheckpointStoreOptions {
  /** How many of the newest checkpoints survive pruning (the best one is kept on top). Default 3. */
  keepLast?: number;
}

export interface LoadLatestOptions {
  /** Called for each damaged checkpoint as it is passed over, so callers can report it even when nothing loads. */
  onSkip?: (skipped: SkippedCheckpoint) => void;
  /** Checks a verified checkpoint's contents (its meta); a throw passes it over like a damaged file. */
  check?: (state: CheckpointState) => void;
}

interface BestPointer {
  file: string;
  step: number;
}

export class CheckpointStore {
  readonly dir: string;
  readonly keepLast: number;
  // Saves run one at a time, so pruning and temp cleanup never race this store's own writes.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string, options: CheckpointStoreOptions = {}) {
    const keepLast = options.keepLast ?? 3;
    if (!Number.isSafeInteger(keepLast) || keepLast < 1) throw new Error(`keepLast must be a positive integer, got ${keepLast}`);
    this.dir = dir;
    this.keepLast = keepLast;
  }

  /**
   * Writes `state` atomically, optionally marks it best, then prunes. The arrays must not be
   * modified until the promise settles. Saving a step that already has a file replaces it.
   */
  save(state: CheckpointState, opts: { best?: boolean } = {}): Promise<CheckpointInfo> {
    return this.serialize(async () => {
      await mkdir(this.dir, { recursive: true });
      await removeStaleTemps(this.dir);
      const savedAt = new Date().toISOString();
      const file = checkpointFileName(state.step);
      const bytes = await writeFileAtomic(this.dir, file, encodeCheckpoint(state, savedAt));
      if (opts.best) await this.writeBestPointer({ file, step: state.step });
      const best = opts.best === true || (await this.readBestPointer())?.file === file;
      await this.prune(state.step);
      return { file, step: state.step, bytes, savedAt, best };
    });
  }

  /** Marks an existing checkpoint as the best one (e.g. after a later evaluation). */
  markBest(file: string): Promise<CheckpointInfo> {
    return this.serialize(async () => {
      const { header, bytes } = await readHeaderOnly(this.pathOf(file), file);
      await this.writeBestPointer({ file, step: header.step });
      return { file, step: header.step, bytes, savedAt: header.savedAt, best: true };
    });
  }

  /** Newest first. Only reads headers, so damaged data is found by load, not here. */
  async list(): Promise<CheckpointInfo[]> {
    const best = (await this.readBestPointer())?.file;
    const out: CheckpointInfo[] = [];
    for (const { file } of await this.checkpointFiles()) {
      try {
        const { header, bytes } = await readHeaderOnly(this.pathOf(file), file);
        out.push({ file, step: header.step, bytes, savedAt: header.savedAt, best: file === best });
      } catch {
        // Unreadable headers are left out; loadLatest reports them with a reason.
      }
    }
    return out;
  }

  /** The newest checkpoint that verifies; damaged ones are passed over and reported, never thrown. */
  async loadLatest(opts: LoadLatestOptions = {}): Promise<LoadedCheckpoint | null> {
    const best = (await this.readBestPointer())?.file;
    const skipped: SkippedCheckpoint[] = [];
    for (const { file } of await this.checkpointFiles()) {
      try {
        const loaded = await this.readVerified(file, best);
        opts.check?.(loaded.state);
        return { ...loaded, skipped };
      } catch (e) {
        // Pruned between listing and reading: not damage, nothing to report.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        const s = { file, reason: reasonOf(e) };
        skipped.push(s);
        opts.onSkip?.(s);
      }
    }
    return null;
  }

  /** Loads one checkpoint by file name; throws an Error naming the file and the problem. */
  async load(file: string): Promise<CheckpointState> {
    return (await this.loadWithInfo(file)).state;
  }

  /** Like load(), with the file's info (step, size, digest). */
  async loadWithInfo(file: string): Promise<Omit<LoadedCheckpoint, 'skipped'>> {
    const best = (await this.readBestPointer())?.file;
    try {
      return await this.readVerified(file, best);
    } catch (e) {
      throw new Error(`Cannot load checkpoint ${file} in ${this.dir}: ${reasonOf(e)}`, { cause: e });
    }
  }

  /** The checkpoint marked best, or null if none is marked; throws like load() if it is damaged. */
  async loadBest(): Promise<LoadedCheckpoint | null> {
    const pointer = await this.readBestPointer();
    if (!pointer) return null;
    try {
      return { ...(await this.readVerified(pointer.file, pointer.file)), skipped: [] };
    } catch (e) {
      throw new Error(`Cannot load the best checkpoint ${pointer.file} in ${this.dir}: ${reasonOf(e)}`, { cause: e });
    }
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private pathOf(file: string): string {
    // Only names from this directory: a path here would be a caller bug, not something to resolve.
    if (!NAME_RE.test(file)) throw new Error(`"${file}" is not a checkpoint file name (expected e.g. ${checkpointFileName(0)})`);
    return path.join(this.dir, file);
  }

  /** Checkpoint files by step, newest first; temp files and anything else are ignored. */
  private async checkpointFiles(): Promise<{ file: string; step: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .flatMap((file) => {
        const m = NAME_RE.exec(file);
        return m ? [{ file, step: Number(m[1]) }] : [];
      })
      .sort((a, b) => b.step - a.step);
  }

  private async readVerified(file: string, best: string | undefined): Promise<Omit<LoadedCheckpoint, 'skipped'>> {
    const buf = await readFile(this.pathOf(file));
    const { header, state } = decodeCheckpoint(buf);
    checkStepMatchesName(file, header);
    // Verified above, so the trailer is the digest of everything before it: the file's identity.
    const sha256 = buf.subarray(buf.length - DIGEST_BYTES).toString('hex');
    return { state, info: { file, step: header.step, bytes: buf.length, savedAt: header.savedAt, best: file === best, sha256 } };
  }

  /**
   * Keeps the newest `keepLast` at or below the step just saved, plus the best. Checkpoints past
   * that step are from a timeline abandoned by resuming an older checkpoint: left in place, a
   * crash would make loadLatest jump back to them and pruning would eat the new ones.
   */
  private async prune(savedStep: number): Promise<void> {
    const keep = new Set<string>();
    const best = await this.readBestPointer();
    if (best) keep.add(best.file);
    const files = await this.checkpointFiles();
    for (const f of files.filter((f) => f.step <= savedStep).slice(0, this.keepLast)) keep.add(f.file);
    for (const f of files) if (!keep.has(f.file)) await rm(path.join(this.dir, f.file), { force: true });
  }

  private async writeBestPointer(pointer: BestPointer): Promise<void> {
    await writeFileAtomic(this.dir, BEST_POINTER, [Buffer.from(JSON.stringify(pointer), 'utf8')]);
  }

  private async readBestPointer(): Promise<BestPointer | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, BEST_POINTER), 'utf8');
    } catch {
      return null;
    }
    try {
      const raw = JSON.parse(text) as Partial<BestPointer>;
      return typeof raw.file === 'string' && NAME_RE.test(raw.file) && typeof raw.step === 'number' ? { file: raw.file, step: raw.step } : null;
    } catch {
      return null; // Written atomically, so only outside tampering gets here; treat as "no best".
    }
  }
}

/** Reads just the prefix and header, plus the file size, to check the file is complete in length. */
async function readHeaderOnly(filePath: string, file: string): Promise<{ header: Header; bytes: number }> {
  const fh = await open(filePath, 'r');
  try {
    const { size } = await fh.stat();
    const prefix = Buffer.alloc(PREFIX_BYTES);
    const got = (await fh.read(prefix, 0, PREFIX_BYTES, 0)).bytesRead;
    const headerLength = parsePrefix(prefix.subarray(0, got));
    if (PREFIX_BYTES + headerLength > size) throw new CheckpointFormatError(`truncated: file is ${size} bytes, shorter than its header`);
    const headerBytes = Buffer.alloc(headerLength);
    await fh.read(headerBytes, 0, headerLength, PREFIX_BYTES);
    const header = parseHeader(headerBytes);
    checkSize(size, layout(headerLength, header).fileBytes);
    checkStepMatchesName(file, header);
    return { header, bytes: size };
  } finally {
    await fh.close();
  }
}

function checkStepMatchesName(file: string, header: Header): void {
  if (Number(NAME_RE.exec(file)?.[1]) !== header.step) {
    throw new CheckpointFormatError(`corrupt: header says step ${header.step} but the file name says otherwise`);
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof CheckpointFormatError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'file does not exist';
  return err.message ?? String(e);
}
