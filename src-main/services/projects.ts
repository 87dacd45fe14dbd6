/**
 * Project workspaces: a folder with project.json, dataset/ and runs/ (see docs/architecture). Main
 * opens them from trusted places only — a native dialog, the recent list, the command line — never
 * from a path the renderer sends.
 */
import { isRealDir, linkUnder } from '../project/links';
import { lstat, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { isTempName, writeFileAtomic } from '../project/atomic';
import type { TrainConfig } from '../api/train-config';
import { runNameSchema, type ProjectInfo, type RunSummary } from '../api/projects';
import { StudioError } from '../api/rpc';
import { readRunConfig } from '../project/run-config';
import { readRunEnd } from '../project/run-end';
import { CheckpointStore, type CheckpointInfo } from '../project/checkpoint';
import { exportsDirOf, runDirOf, runFiles, runIdOf, runsDirOf, uploadsDirOf } from '../project/layout';

const projectFileSchema = z.object({
  version: z.literal(1),
  name: z.string().min(1),
  created: z.string(),
});

export class ProjectError extends Error {}

/** Opens `dir` as a project, creating project.json (and the folder) when `create` is set. */
export async function openProject(dir: string, options: { create?: boolean } = {}): Promise<ProjectInfo> {
  const file = join(dir, 'project.json');
  let raw: string | null = null;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ProjectError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  if (raw === null) {
    if (!options.create) throw new ProjectError(`${dir} is not a GAN Studio project (it has no project.json).`);
    await mkdir(runsDirOf(dir), { recursive: true });
    const project = { version: 1 as const, name: basename(dir), created: new Date().toISOString() };
    await writeFileAtomic(dir, 'project.json', [Buffer.from(JSON.stringify(project, null, 2))]);
    return { name: project.name, dir, created: project.created };
  }
  let parsed;
  try {
    parsed = projectFileSchema.safeParse(JSON.parse(raw));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) throw new ProjectError(`${file} is damaged or from an unknown version.`);
  return { name: parsed.data.name, dir, created: parsed.data.created };
}

/**
 * Web-mode uploads land in .uploads/<id>/ and are removed after their import; an upload the user
 * abandoned (closed tab, cancel) is swept when the project opens, once it is an hour old.
 */
export async function sweepStaleUploads(projectDir: string, maxAgeMs = 3_600_000): Promise<string[]> {
  const root = uploadsDirOf(projectDir);
  // A link in .uploads' place would make this sweep empty whatever it points to.
  if (!(await isRealDir(root))) return [];
  const names = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    // A link's own age; rm removes the link, never what it points to.
    const info = await lstat(join(root, name)).catch(() => null);
    if (info && Date.now() - info.mtimeMs > maxAgeMs) {
      await rm(join(root, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** The runs in a project, newest first. A run folder that cannot be read is listed as damaged. */
export async function listRuns(projectDir: string): Promise<RunSummary[]> {
  const runsDir = runsDirOf(projectDir);
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  const runs = await Promise.all(
    names.map(async (runId): Promise<RunSummary | null> => {
      const dir = join(runsDir, runId);
      // A link in runs/ is not a run of this project (its writes would land where it points).
      const info = await lstat(dir).catch(() => null);
      if (!info?.isDirectory() || info.isSymbolicLink() || runId.startsWith('.')) return null;
      const created = info.birthtime.toISOString();
      const name = await readRunName(dir);
      try {
        const config = await readRunConfig(dir);
        const checkpoints = await new CheckpointStore(runFiles(dir).checkpoints).list();
        return {
          runId,
          name,
          created,
          summary: `${config.model.architecture} ${config.model.resolution}px · ${config.loss.kind} · batch ${config.batchSize}`,
          steps: config.steps,
          lastCheckpointStep: checkpoints[0]?.step ?? null,
          bestCheckpointStep: checkpoints.find((c) => c.best)?.step ?? null,
          endedStep: (await readRunEnd(dir))?.step ?? null,
          damaged: null,
        };
      } catch (err) {
        return { runId, name, created, summary: '', steps: 0, lastCheckpointStep: null, bestCheckpointStep: null, endedStep: null, damaged: (err as Error).message.split('\n')[0]! };
      }
    }),
  );
  return runs.filter((r): r is RunSummary => r !== null).sort((a, b) => b.runId.localeCompare(a.runId));
}

const RUN_NAME_FILE = 'name.json';

async function readRunName(runDir: string): Promise<string | null> {
  try {
    const parsed = z.object({ name: runNameSchema }).safeParse(JSON.parse(await readFile(join(runDir, RUN_NAME_FILE), 'utf8')));
    return parsed.success ? parsed.data.name : null;
  } catch {
    return null; // No name yet, or a damaged file: the run shows its id.
  }
}

/** Names a run (null clears the name). The folder keeps its id, so nothing that refers to it breaks. */
export async function renameRun(runDir: string, name: string | null): Promise<void> {
  await requireRunFolder(runDir);
  if (name === null) await rm(join(runDir, RUN_NAME_FILE), { force: true });
  else await writeFileAtomic(runDir, RUN_NAME_FILE, [Buffer.from(JSON.stringify({ name }))]);
}

/**
 * Deletes a run folder. It is first renamed to a hidden name in runs/, so a crash halfway through
 * the removal leaves a folder listRuns ignores (and the next delete of it finishes), never half a run.
 */
export async function deleteRun(runDir: string): Promise<void> {
  await requireRunFolder(runDir);
  const doomed = join(dirname(runDir), `.deleting-${basename(runDir)}-${Date.now()}`);
  await rename(runDir, doomed);
  await rm(doomed, { recursive: true, force: true });
}

/**
 * Removes what killed writers left: `exports/.<name>.partial-*` (a StyleGAN zip being streamed),
 * `*.tmp-*` files of atomic writes in exports/ and in each run's samples/. Safe on open only
 * because the project lock says no other process is writing here. Returns the paths removed.
 */
export async function sweepLeftovers(projectDir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (dir: string, stale: (name: string) => boolean) => {
    // Only inside real folders of the project: a linked exports/, run or samples/ is left alone.
    if (linkUnder(projectDir, dir) || !(await isRealDir(dir))) return;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!stale(name)) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    }
  };
  await sweep(exportsDirOf(projectDir), (name) => /^\..+\.partial-[0-9a-f]+$/.test(name) || isTempName(name));
  for (const run of await readdir(runsDirOf(projectDir)).catch(() => [] as string[])) {
    await sweep(runFiles(runDirOf(projectDir, run)).samples, isTempName);
  }
  return removed;
}

/** Finishes deletes a crash interrupted (see deleteRun). */
export async function sweepDeletedRuns(projectDir: string): Promise<void> {
  const runsDir = runsDirOf(projectDir);
  if (!(await isRealDir(runsDir))) return;
  for (const name of await readdir(runsDir).catch(() => [] as string[])) {
    if (name.startsWith('.deleting-')) await rm(join(runsDir, name), { recursive: true, force: true });
  }
}

async function requireRunFolder(runDir: string): Promise<void> {
  const info = await stat(runDir).catch(() => null);
  if (!info?.isDirectory()) throw new StudioError({ code: 'invalid-request', message: `There is no run ${runIdOf(runDir)} in this project.` });
}

/** A run's config and its checkpoints, newest first (headers only: cheap, and never throws on damage). */
export async function listCheckpoints(runDir: string): Promise<{ runId: string; config: TrainConfig; checkpoints: CheckpointInfo[] }> {
  let config: TrainConfig;
  try {
    config = await readRunConfig(runDir);
  } catch (err) {
    throw new StudioError({ code: 'invalid-request', message: `Run ${runIdOf(runDir)} cannot be read: ${(err as Error).message}` });
  }
  const checkpoints = await new CheckpointStore(runFiles(runDir).checkpoints).list();
  return { runId: runIdOf(runDir), config, checkpoints: checkpoints.map(({ sha256: _, ...info }) => info) };
}
