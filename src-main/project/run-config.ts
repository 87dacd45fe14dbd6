/** runs/<id>/config.json, read with an error that names the file and says what to do. */
import { readFile } from 'node:fs/promises';
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
    throw new RunConfigError(
      code === 'ENOENT' ? `${file} is missing: this folder is not a complete run; delete it or restore the file.` : `Cannot read ${file} (${code ?? (err as Error).message}): check the folder's permissions.`,
    );
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
