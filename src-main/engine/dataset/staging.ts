/**
 * A new dataset is built in a sibling folder and swapped in with two renames, so a crash or a
 * cancel at any point leaves a complete dataset (the old or the new one) in place:
 *
 *   <project>/.dataset.staging-<pid>-<rand>   being written
 *   <project>/.dataset.old-<pid>-<rand>       the previous dataset, between the two renames
 *
 * Siblings, not subfolders of the system temp dir: rename is only atomic within one file system.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDir } from '../../project/atomic';

function siblingPattern(datasetDir: string, kind: 'staging' | 'old'): RegExp {
  const base = basename(datasetDir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${base}\\.${kind}-(\\d+)-[0-9a-f]+$`);
}

export async function createStaging(datasetDir: string): Promise<string> {
  const parent = dirname(datasetDir);
  await mkdir(parent, { recursive: true });
  const dir = join(parent, `.${basename(datasetDir)}.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  return dir;
}

/** Replaces datasetDir by staging; the previous dataset is deleted only once the new one is in. */
export async function swapIn(staging: string, datasetDir: string): Promise<void> {
  await syncDir(staging);
  const parent = dirname(datasetDir);
  const old = join(parent, `.${basename(datasetDir)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
  const hadOld = await exists(datasetDir);
  if (hadOld) await rename(datasetDir, old);
  try {
    await rename(staging, datasetDir);
  } catch (err) {
    if (hadOld) await rename(old, datasetDir).catch(() => {});
    throw err;
  }
  await syncDir(parent);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/**
 * Puts back a previous dataset stranded between the two renames of a crashed swap, then deletes
 * leftovers of crashed imports. Call only when no import of this dataset is running.
 */
export async function recoverInterrupted(datasetDir: string): Promise<void> {
  const parent = dirname(datasetDir);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const olds = names.filter((n) => siblingPattern(datasetDir, 'old').test(n));
  if (olds.length > 0 && !(await exists(datasetDir))) {
    await rename(join(parent, olds.shift()!), datasetDir);
  }
  const stale = [...olds, ...names.filter((n) => siblingPattern(datasetDir, 'staging').test(n))];
  await Promise.all(stale.map((n) => rm(join(parent, n), { recursive: true, force: true })));
}

/** Where a reader finds the dataset: the folder itself, or its backup if a swap was interrupted. */
export async function locateDataset(datasetDir: string): Promise<string | null> {
  if (await exists(datasetDir)) return datasetDir;
  try {
    const old = (await readdir(dirname(datasetDir))).find((n) => siblingPattern(datasetDir, 'old').test(n));
    return old ? join(dirname(datasetDir), old) : null;
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
