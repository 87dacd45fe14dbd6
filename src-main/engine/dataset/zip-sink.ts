/**
 * The StyleGAN2-ADA dataset zip. PNGs are already compressed, so entries are stored, not deflated
 * (fflate's ZipPassThrough); the zip is streamed to a temp file and renamed into place complete, and
 * an existing file is never overwritten.
 */
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Zip, ZipPassThrough } from 'fflate';
import { syncDir } from '../../project/atomic';
import type { ArchiveSink } from './stylegan-zip';

export function zipSink(target: string): ArchiveSink {
  const partial = join(dirname(target), `.${basename(target)}.partial-${randomBytes(4).toString('hex')}`);
  const handle = open(partial, 'wx').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`Could not create ${partial} (${err.code ?? err.message}): ${fixFor(err.code)}`);
  });
  // Nobody awaits the file until the first entry is ready: without this, a folder that cannot be
  // written (EROFS, EACCES, ENOSPC) was an unhandled rejection that ended the engine. add() and
  // close() still see the failure through `writing`.
  handle.catch(() => undefined);
  // fflate hands chunks to a synchronous callback; writes are chained so they land in order.
  let writing: Promise<unknown> = handle;
  let failure: unknown = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) failure = err;
    else writing = writing.then(async () => (await handle).write(chunk));
    if (final) writing = writing.then(async () => (await handle).sync());
  });
  return {
    async add(name, data) {
      if (failure) throw failure;
      const entry = new ZipPassThrough(name);
      zip.add(entry);
      entry.push(data, true);
      await writing; // Bounded memory: one entry in flight.
    },
    async close() {
      zip.end();
      await writing;
      await (await handle).close();
      if (failure) throw failure;
      if (await stat(target).then(() => true, () => false)) {
        await rm(partial, { force: true });
        throw new Error(`${target} already exists`);
      }
      await rename(partial, target);
      await syncDir(dirname(target));
    },
    async abort() {
      zip.terminate();
      await writing.catch(() => undefined);
      await (await handle).close().catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
}

function fixFor(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full; free some space and export again.';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'the folder cannot be written; make it writable (or move the project) and export again.';
    default:
      return 'check that the project folder exists and can be written, then export again.';
  }
}
