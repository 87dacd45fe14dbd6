/**
 * One process at a time per project: two servers (or the app and the CLI) training the same run
 * interleaved two timelines in its metrics and checkpoints. The lock is `<project>/.gan-studio.lock`,
 * created with O_EXCL (atomic on every local file system) and holding who took it. A lock whose
 * process is gone (kill -9, a crash, a power cut) is taken over; a live one is refused with its
 * holder named. No dependency: proper-lockfile's mtime polling would need a timer per project, and
 * its staleness guess is worse than asking the OS whether the pid is alive.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE } from './layout';
import { randomBytes } from 'node:crypto';


export interface LockHolder {
  pid: number;
  host: string;
  app: string;
  since: string;
  token: string;
}

export class ProjectLockedError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {
    super(
      `This project is open in ${holder.app} (process ${holder.pid} on ${holder.host}, since ${holder.since}): close it there first. ` +
        `If that process is gone, delete ${file}.`,
    );
    this.name = 'ProjectLockedError';
  }
}

export interface ProjectLock {
  file: string;
  holder: LockHolder;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // Exists, owned by someone else.
  }
}

/** Takes the project's lock for this process, or throws ProjectLockedError naming its holder. */
export async function lockProject(projectDir: string, app: string): Promise<ProjectLock> {
  const file = join(projectDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), app, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { file, holder: me, release: () => releaseIfOurs(file, me.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      await rm(file, { force: true }); // Left by a process that died: take it over.
      continue;
    }
    if (!holder) {
      // Being written this instant by another opener, or damaged: never stolen on a guess.
      throw new Error(`${file} is being taken by another process, or is damaged: try again, and delete it if no GAN Studio uses this project.`);
    }
    throw new ProjectLockedError(file, holder);
  }
  throw new Error(`Could not take ${file}: another process keeps creating it. Close the other GAN Studio and try again.`);
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? (parsed as LockHolder) : null;
  } catch {
    return null;
  }
}

async function releaseIfOurs(file: string, token: string): Promise<void> {
  if ((await readHolder(file))?.token === token) await rm(file, { force: true });
}

/**
 * A command-line command's hold on a project for the rest of its process: taken before the command
 * writes (or sweeps) anything, released when the process exits. A live holder — the app, web mode,
 * another command — is refused by name (ProjectLockedError: pid, host, app), as the app refuses it.
 */
export async function holdProjectLock(projectDir: string, command: string, options: { create?: boolean } = {}): Promise<ProjectLock> {
  if (options.create) await mkdir(projectDir, { recursive: true });
  let lock: ProjectLock;
  try {
    lock = await lockProject(projectDir, `gan-studio ${command} (command line)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${projectDir} does not exist: check the path (a run is <project>/runs/<id>).`);
    throw err;
  }
  const releaseAtExit = () => {
    try {
      if ((JSON.parse(readFileSync(lock.file, 'utf8')) as Partial<LockHolder>).token === lock.holder.token) rmSync(lock.file, { force: true });
    } catch {
      // Gone already, or replaced by a later holder: not ours to remove.
    }
  };
  process.once('exit', releaseAtExit);
  return {
    ...lock,
    release: async () => {
      process.off('exit', releaseAtExit);
      await lock.release();
    },
  };
}
