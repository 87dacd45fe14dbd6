/**
 * Crash-safe file replacement: a reader (or a process restarted after kill -9 or power loss)
 * sees either the old file or the complete new one, never a mix.
 */
import { open, readdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const TEMP_RE = /\.tmp-(\d+)-[0-9a-f]+$/;

export const isTempName = (name: string) => TEMP_RE.test(name);

/** Writes `chunks` to `dir/name` atomically; returns the number of bytes written. */
export async function writeFileAtomic(dir: string, name: string, chunks: readonly Uint8Array[]): Promise<number> {
  const target = path.join(dir, name);
  // Same directory as the target: rename is only atomic within one file system.
  const temp = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let bytes = 0;
  const fh = await open(temp, 'wx');
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await fh.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
      bytes += chunk.length;
    }
    // Without this the rename can reach the disk before the data, leaving an empty or torn file after a power cut.
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await renameWithRetry(temp, target);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  await syncDir(dir);
  return bytes;
}

/** Makes the rename itself durable. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Windows cannot open directories, and some file systems reject fsync on them; the rename is still atomic there.
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // On Windows a virus scanner or a concurrent reader briefly holding the target makes rename fail.
      const transient = process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY');
      if (!transient || attempt >= 8) throw e;
      await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes temp files left by writers that died mid-write. The caller must not have a write of its
 * own in flight; temps of other live processes are left alone in case they are still writing.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = Number(TEMP_RE.exec(name)?.[1] ?? NaN);
    if (Number.isNaN(pid) || (pid !== process.pid && isAlive(pid))) continue;
    await rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
