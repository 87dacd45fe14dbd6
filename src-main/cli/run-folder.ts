/**
 * A run named on the command line (--run, --resume, an export's sidecar): resolved, and its
 * config.json read before the command takes the project's lock or starts any work, so a wrong path
 * fails at once with a message that names it (never a lock written next to /etc, or a raw ENOENT
 * after minutes of feature extraction).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readRunConfig } from '../project/run-config';

export async function runFolder(path: string): Promise<string> {
  const runDir = resolve(path);
  await readRunConfig(runDir);
  return runDir;
}

/** The folder a command will write into (--out's parent): it must exist, as a folder. */
export async function writableFolder(dir: string, flag: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new Error(`${flag}: the folder ${dir} does not exist; create it first or give another path.`);
  if (!info.isDirectory()) throw new Error(`${flag}: ${dir} is a file, not a folder; give another path.`);
}
