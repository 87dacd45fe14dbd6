/** runs/<id>/config.json, read with an error that names the file and says what to do. */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { trainConfigSchema, type TrainConfig } from '../api/train-config';
import { formatIssues } from '../api/rpc';
import { runFiles } from './layout';

export class RunConfigError extends Error {}

export async function readRunConfig(runDir: string): Promise<TrainConfig> {
  const file = runFiles(runDir).config;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunConfigError(code === 'ENOENT' || code === 'ENOTDIR' ? await missingConfig(runDir, file) : `Cannot read ${file} (${code ?? (err as Error).message}): check the folder's permissions.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RunConfigError(`${file} is damaged (not valid JSON: ${(err as Error).message}): restore it from a backup or delete the run.`);
  }
  const parsed = trainConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new RunConfigError(`${file} is not a valid run configuration (${formatIssues(parsed.error).slice(0, 3).join('; ')}): restore it or delete the run.`);
  }
  return parsed.data;
}

/** Why a run folder has no config.json: no such folder, a folder that is not a run, or a damaged run. */
async function missingConfig(runDir: string, file: string): Promise<string> {
  const isDir = await stat(runDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return `There is no run at ${runDir}: it was deleted or renamed, or the path is wrong (a run is a folder <project>/runs/<id>).`;
  if (basename(dirname(runDir)) !== 'runs') return `${runDir} is not a GAN Studio run: a run is a folder <project>/runs/<id> that holds config.json.`;
  return `${file} is missing: this folder is not a complete run; delete it or restore the file.`;
}
