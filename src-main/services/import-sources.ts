/**
 * Where an import's folder may come from. The renderer names a source, never a path: a native
 * folder dialog (desktop), a folder the user dropped on the window (desktop: the preload reads the
 * dropped item's path and registers it here for a one-time token), or files uploaded to web mode
 * into the project's .uploads/<id>/ folder.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { folderDatasetName } from '../shared/dataset-name';
import { StudioError } from '../api/rpc';
import { uploadsDirOf } from '../project/layout';

export type ImportSource = { kind: 'dialog' } | { kind: 'dropped'; token: string } | { kind: 'upload'; uploadId: string };

const DROP_TOKEN_TTL_MS = 10 * 60_000;
/** Loose files in one drop; more than this is a folder's job. */
const MAX_DROPPED_FILES = 10_000;

/** What a drop token stands for: a folder, or loose files gathered into a folder at import. */
type Drop = { path: string; files?: undefined; expires: number } | { path?: undefined; files: string[]; expires: number };
const UPLOAD_ID = /^[a-f0-9]{32}$/;

export class ImportSources {
  private readonly drops = new Map<string, Drop>();

  constructor(private readonly chooseFolder?: () => Promise<string | null>) {}

  /** Desktop only: the preload reports what the user dropped; the renderer gets a token for it. */
  registerDrop(path: string): string {
    return this.#token({ path, expires: Date.now() + DROP_TOKEN_TTL_MS });
  }

  /**
   * Desktop: the paths the preload read from a drop (untrusted: checked here). One folder, or
   * loose image files (imported as one flat folder, as web mode does with a drop of files).
   */
  async registerDropped(paths: unknown): Promise<string> {
    const list = Array.isArray(paths) ? paths : [paths];
    if (list.length === 0 || list.length > MAX_DROPPED_FILES || !list.every((p): p is string => typeof p === 'string' && p.length > 0 && p.length < 4096)) {
      throw new StudioError({ code: 'invalid-request', message: 'Drop a folder of images, or image files.' });
    }
    const kinds = await Promise.all(list.map((p) => stat(p).then((s) => (s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other'), () => 'missing')));
    if (list.length === 1 && kinds[0] === 'folder') return this.registerDrop(list[0]!);
    if (kinds.every((k) => k === 'file')) return this.#token({ files: list, expires: Date.now() + DROP_TOKEN_TTL_MS });
    throw new StudioError({ code: 'invalid-request', message: 'Drop one folder, or image files (not several folders, or folders and files together).' });
  }

  #token(drop: Drop): string {
    const token = randomBytes(16).toString('hex');
    this.drops.set(token, drop);
    return token;
  }

  /**
   * Desktop: the native dialog picks a folder that waits, as a token, for its preview and then its
   * import (null when the dialog was cancelled).
   */
  async choose(): Promise<{ token: string; folder: string } | null> {
    const dir = await this.#pickFolder();
    return dir ? { token: this.registerDrop(dir), folder: folderDatasetName(dir) } : null;
  }

  /** The folder behind a drop token, for its preview; unlike resolve, the token stays for the import. */
  peek(token: string): string {
    const drop = this.#live(token, 'That folder was chosen too long ago: choose it again.');
    if (drop.files) throw new StudioError({ code: 'invalid-request', message: 'Dropped files are imported as they come: choose a folder to preview it first.' });
    return drop.path;
  }

  static newUploadId(): string {
    return randomBytes(16).toString('hex');
  }

  /** Where web mode stores an uploaded file; null for an id or relative path that could escape. */
  static uploadTarget(projectDir: string, uploadId: string, relativePath: string): string | null {
    if (!UPLOAD_ID.test(uploadId)) return null;
    const parts = relativePath.split('/');
    if (parts.length > 32 || parts.some((p) => !p || p === '.' || p === '..' || /[\\\0:]/.test(p) || p.length > 255)) return null;
    const root = join(uploadsDirOf(projectDir), uploadId);
    const target = resolve(root, ...parts);
    return target.startsWith(root + sep) ? target : null;
  }

  async #pickFolder(): Promise<string | null> {
    if (!this.chooseFolder) throw new StudioError({ code: 'invalid-request', message: 'There is no folder dialog in web mode: drop or choose files in the browser instead.' });
    return this.chooseFolder();
  }

  /** The drop behind a token that has not expired; `expired` says what to do otherwise. */
  #live(token: string, expired: string, useUp = false): Drop {
    const drop = this.drops.get(token);
    if (useUp) this.drops.delete(token);
    if (!drop || drop.expires < Date.now()) throw new StudioError({ code: 'invalid-request', message: expired });
    return drop;
  }

  /** The folder to import, and what to clean up afterwards; null when the user cancelled a dialog. */
  async resolve(source: ImportSource, projectDir: string): Promise<{ dir: string; cleanup: () => Promise<void> } | null> {
    const keep = async () => undefined;
    switch (source.kind) {
      case 'dialog': {
        const dir = await this.#pickFolder();
        return dir ? { dir, cleanup: keep } : null;
      }
      case 'dropped': {
        // Used up whether or not it is still good.
        const drop = this.#live(source.token, 'That drop has expired: drop the folder again.', true);
        if (drop.files) return gatherFiles(drop.files, projectDir);
        return { dir: drop.path, cleanup: keep };
      }
      case 'upload': {
        if (!UPLOAD_ID.test(source.uploadId)) throw new StudioError({ code: 'invalid-request', message: 'Unknown upload.' });
        const dir = join(uploadsDirOf(projectDir), source.uploadId);
        return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
      }
    }
  }
}

/** Loose dropped files, copied into an upload folder of the project (removed after the import). */
async function gatherFiles(files: readonly string[], projectDir: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = join(uploadsDirOf(projectDir), ImportSources.newUploadId());
  await mkdir(dir, { recursive: true });
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const taken = new Set<string>();
  try {
    for (const file of files) {
      // Same-named files from different folders are all kept: "a.png", "a (2).png"…
      const name = basename(file);
      const dot = name.lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      let unique = name;
      for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = `${stem} (${n})${ext}`;
      taken.add(unique.toLowerCase());
      // A file that cannot be read is left out here; the import's report lists what it skipped.
      await copyFile(file, join(dir, unique)).catch(() => undefined);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { dir, cleanup };
}
