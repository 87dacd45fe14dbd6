/**
 * configs/<name>.json: the model designs saved from the Model view, one TrainConfig per file. Names
 * compare case-insensitively (one file per name on every disk); damaged files are listed, not lost.
 */
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { configNameSchema, type ConfigList, type SavedConfig } from '../api/model-design';
import { formatIssues, StudioError } from '../api/rpc';
import { trainConfigSchema, type TrainConfig } from '../api/train-config';
import { writeFileAtomic } from './atomic';

const EXT = '.json';

export async function listConfigs(dir: string): Promise<ConfigList> {
  const list: ConfigList = { configs: [], damaged: [] };
  for (const name of await configNames(dir)) {
    try {
      list.configs.push(await readConfig(dir, name));
    } catch (err) {
      list.damaged.push({ name, problems: err instanceof StudioError && err.issues ? err.issues : [(err as Error).message] });
    }
  }
  list.configs.sort((a, b) => a.name.localeCompare(b.name));
  return list;
}

export async function readConfig(dir: string, name: string): Promise<SavedConfig> {
  const file = await existingName(dir, name);
  if (!file) throw notFound(name);
  const path = join(dir, file + EXT);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new StudioError({ code: 'invalid-request', message: `Config “${file}” is not valid JSON`, issues: [(err as Error).message] });
  }
  const parsed = trainConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new StudioError({ code: 'invalid-request', message: `Config “${file}” is not a valid training config`, issues: formatIssues(parsed.error) });
  }
  return { name: file, savedAt: (await stat(path)).mtime.toISOString(), config: parsed.data };
}

export async function saveConfig(dir: string, name: string, config: TrainConfig, replace: boolean): Promise<SavedConfig> {
  // Checked again here, not only at the channel: a path is about to be built from it.
  const checkedName = configNameSchema.parse(name);
  const parsed = trainConfigSchema.safeParse(config);
  if (!parsed.success) throw new StudioError({ code: 'invalid-request', message: 'Not a valid training config', issues: formatIssues(parsed.error) });
  await mkdir(dir, { recursive: true });
  const existing = await existingName(dir, checkedName);
  if (existing && !replace) {
    throw new StudioError({ code: 'invalid-request', message: `A config named “${existing}” already exists: choose another name or replace it.` });
  }
  // On case-insensitive disks "DCGAN" and "dcgan" are one file: keep the name it already has.
  const file = existing ?? checkedName;
  await writeFileAtomic(dir, file + EXT, [Buffer.from(JSON.stringify(parsed.data, null, 2) + '\n')]);
  return { name: file, savedAt: (await stat(join(dir, file + EXT))).mtime.toISOString(), config: parsed.data };
}

async function configNames(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  // Leftover temp files of an interrupted write end in .tmp-<pid>-<hex>, never in .json.
  return files
    .filter((f) => f.endsWith(EXT))
    .map((f) => f.slice(0, -EXT.length))
    .filter((name) => configNameSchema.safeParse(name).data === name);
}

/** The stored spelling of `name`, compared case-insensitively, or null. */
async function existingName(dir: string, name: string): Promise<string | null> {
  const wanted = name.toLocaleLowerCase('en-US');
  return (await configNames(dir)).find((n) => n.toLocaleLowerCase('en-US') === wanted) ?? null;
}

function notFound(name: string): StudioError {
  return new StudioError({ code: 'invalid-request', message: `There is no saved config named “${name}”.` });
}

/** Removes a saved config; returns its stored name. */
export async function deleteConfig(dir: string, name: string): Promise<string> {
  const file = await existingName(dir, name);
  if (!file) throw notFound(name);
  await rm(join(dir, file + EXT));
  return file;
}
