/**
 * Where an import's folder may come from. The renderer names a source, never a path: a native
 * folder dialog (desktop), a folder the user dropped on the window (desktop: the preload reads the
 * dropped item's path and registers it here for a one-time token), or files uploaded to web mode
 * into the project's .uploads/<id>/ folder.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { StudioError } from '../api/rpc';

export type ImportSource = { kind: 'dialog' } | { kind: 'dropped'; token: string } | { kind: 'upload'; uploadId: string };

const DROP_TOKEN_TTL_MS = 10 * 60_000;
const UPLOAD_ID = /^[a-f0-9]{32}$/;

export class ImportSources {
  private readonly drops = new Map<string, { path: string; expires: number }>();

  constructor(private readonly chooseFolder?: () => Promise<string | null>) {}

  /** Desktop only: the preload reports what the user dropped; the renderer gets a token for it. */
  registerDrop(path: string): string {
    const token = randomBytes(16).toString('hex');
    this.drops.set(token, { path, expires: Date.now() + DROP_TOKEN_TTL_MS });
    return token;
  }

  /**
   * Desktop: the native dialog picks a folder that waits, as a token, for its preview and then its
   * import (null when the dialog was cancelled).
   */
  async choose(): Promise<{ token: string; folder: string } | null> {
    if (!this.chooseFolder) throw new StudioError({ code: 'invalid-request', message: 'There is no folder dialog in web mode: drop or choose files in the browser instead.' });
    const dir = await this.chooseFolder();
    return dir ? { token: this.registerDrop(dir), folder: basename(dir) } : null;
  }

  /** The folder behind a drop token, for its preview; unlike resolve, the token stays for the import. */
  peek(token: string): string {
    const drop = this.drops.get(token);
    if (!drop || drop.expires < Date.now()) throw new StudioError({ code: 'invalid-request', message: 'That folder was chosen too long ago: choose it again.' });
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
    const root = join(projectDir, '.uploads', uploadId);
    const target = resolve(root, ...parts);
    return target.startsWith(root + sep) ? target : null;
  }

  /** The folder to import, and what to clean up afterwards; null when the user cancelled a dialog. */
  async resolve(source: ImportSource, projectDir: string): Promise<{ dir: string; cleanup: () => Promise<void> } | null> {
    const keep = async () => undefined;
    switch (source.kind) {
      case 'dialog': {
        if (!this.chooseFolder) throw new StudioError({ code: 'invalid-request', message: 'There is no folder dialog in web mode: drop or choose files in the browser instead.' });
        const dir = await this.chooseFolder();
        return dir ? { dir, cleanup: keep } : null;
      }
      case 'dropped': {
        const drop = this.drops.get(source.token);
        this.drops.delete(source.token);
        if (!drop || drop.expires < Date.now()) throw new StudioError({ code: 'invalid-request', message: 'That drop has expired: drop the folder again.' });
        return { dir: drop.path, cleanup: keep };
      }
      case 'upload': {
        if (!UPLOAD_ID.test(source.uploadId)) throw new StudioError({ code: 'invalid-request', message: 'Unknown upload.' });
        const dir = join(projectDir, '.uploads', source.uploadId);
        return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
      }
    }
  }
}
