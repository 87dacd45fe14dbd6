/**
 * An export folder that appears complete or not at all. Files are written into a hidden temp folder
 * beside the destination (same file system, so the final rename is atomic) and the folder is renamed
 * into place when everything is on disk. An existing export is never replaced: a free name is
 * picked, or the export fails, as the request says. A failure — a full disk, a read-only folder, a
 * cancel — removes the temp folder, so nothing half-written is ever left under the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir } from '../../project/atomic';

/** Hidden temp folders: `.partial-<pid>-<random>-<name>`, swept once their writer has died. */
const PARTIAL_RE = /^\.partial-(\d+)-[0-9a-f]+-/;

export interface WrittenFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** Opens a write stream; tests pass one that fails (a full disk) to check the clean-up. */
export type OpenStream = (path: string) => WriteStream;

export class ExportError extends Error {
  override name = 'ExportError';
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('The export was cancelled.');
  }
}

export interface FolderOptions {
  onExisting: 'rename' | 'fail';
  openStream?: OpenStream;
}

export class ExportFolder {
  readonly files: WrittenFile[] = [];
  private closed = false;

  private constructor(
    readonly parent: string,
    /** The name the folder gets when committed (re-checked then). */
    public name: string,
    readonly temp: string,
    private readonly options: FolderOptions,
  ) {}

  /** Creates the temp folder in `parent` (made if missing) for an export to be called `name`. */
  static async create(parent: string, name: string, options: FolderOptions): Promise<ExportFolder> {
    try {
      await mkdir(parent, { recursive: true });
      await sweepPartials(parent);
      const free = await freeName(parent, name, options.onExisting);
      const temp = join(parent, `.partial-${process.pid}-${randomBytes(4).toString('hex')}-${free}`);
      await mkdir(temp);
      return new ExportFolder(parent, free, temp, options);
    } catch (err) {
      throw explain(err, parent);
    }
  }

  get dir(): string {
    return join(this.parent, this.name);
  }

  /** Writes one file (path relative to the folder, '/'-separated) from buffers or an async source. */
  async write(relative: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<WrittenFile> {
    if (this.closed) throw new Error('export folder already closed');
    const target = join(this.temp, ...relative.split('/'));
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await mkdir(dirname(target), { recursive: true });
      const stream = (this.options.openStream ?? ((p) => createWriteStream(p, { flags: 'wx' })))(target);
      const failed = new Promise<never>((_, reject) => stream.once('error', reject));
      failed.catch(() => undefined); // Observed below; a late error must not go unhandled.
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.length;
        // Back-pressure: a slow disk must not make a 50,000-image export hold every PNG in memory.
        if (!stream.write(chunk)) await Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]);
      }
      await Promise.race([new Promise<void>((resolve) => stream.end(() => resolve())), failed]);
      // 'finish' can come before a queued error on some streams: make sure none is pending.
      if (stream.errored) throw stream.errored;
    } catch (err) {
      throw explain(err, this.parent);
    }
    const file = { name: relative, bytes, sha256: hash.digest('hex') };
    this.files.push(file);
    return file;
  }

  /** Renames the temp folder into place; the destination name is re-checked, never replaced. */
  async commit(): Promise<string> {
    this.closed = true;
    try {
      this.name = await freeName(this.parent, this.name, this.options.onExisting);
      await rename(this.temp, this.dir);
      await syncDir(this.parent);
      return this.dir;
    } catch (err) {
      await this.abort();
      throw explain(err, this.parent);
    }
  }

  /** Removes everything written so far. Safe to call twice. */
  async abort(): Promise<void> {
    this.closed = true;
    await rm(this.temp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** `name`, or with "-2", "-3"… appended when taken (or an error when the caller wants no renaming). */
export async function freeName(parent: string, name: string, onExisting: 'rename' | 'fail'): Promise<string> {
  const taken = async (candidate: string) => (await stat(join(parent, candidate)).catch(() => null)) !== null;
  if (!(await taken(name))) return name;
  if (onExisting === 'fail') throw new ExportError(`An export called "${name}" already exists in ${parent}: choose another name.`);
  for (let i = 2; i < 10_000; i++) {
    const candidate = `${name}-${i}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new ExportError(`No free name like "${name}-N" in ${parent}.`);
}

/** Removes temp folders of exports whose process died mid-write (crash, kill -9, power loss). */
export async function sweepPartials(parent: string): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    const pid = Number(PARTIAL_RE.exec(entry)?.[1] ?? NaN);
    if (Number.isNaN(pid) || (pid !== process.pid && alive(pid))) continue;
    // Our own pid: a temp of an export that is not running any more (only one runs at a time).
    await rm(join(parent, entry), { recursive: true, force: true }).catch(() => undefined);
    removed.push(entry);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** File-system errors in words a user can act on; anything else passes through. */
export function explain(err: unknown, where: string): Error {
  if (err instanceof ExportError || err instanceof CancelledError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ExportError(`The disk is full (writing in ${where}): nothing was exported. Free some space and try again.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ExportError(`Cannot write to ${where}: the folder is read-only or you lack permission. Nothing was exported.`);
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new ExportError(`Something already exists at the export's name in ${where}; nothing was overwritten.`);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
