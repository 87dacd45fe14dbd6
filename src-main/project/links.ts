/**
 * Symbolic links inside a project folder. GAN Studio writes, deletes and serves files under the
 * project by name (a run id, an export name); a link planted at one of those names would take those
 * writes, deletes and downloads outside the project. So a path under the project whose folders or
 * file are links is refused, and the sweeps at start-up pass links over (removing a link, never
 * what it points to). The project folder itself may be a link: the user chose it.
 */
import { lstatSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { relative, join, sep } from 'node:path';
import { StudioError } from '../api/rpc';

/** The first component of `path` below `root` that is a symbolic link, or null (absent components are fine). */
export function linkUnder(root: string, path: string): string | null {
  const parts = relative(root, path).split(sep).filter((p) => p !== '' && p !== '.');
  let at = root;
  for (const part of parts) {
    at = join(at, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(at).isSymbolicLink();
    } catch {
      return null; // not there (yet): nothing below it can be a link either
    }
    if (isLink) return at;
  }
  return null;
}

/** `path`, when nothing between `root` and it is a symbolic link; otherwise a refusal that names the link. */
export function confinedPath(root: string, path: string): string {
  const link = linkUnder(root, path);
  if (link) {
    throw new StudioError({
      code: 'invalid-request',
      message: `${link} is a symbolic link: GAN Studio does not follow links inside a project (they could lead its writes and downloads elsewhere). Replace it with the folder or file itself.`,
    });
  }
  return path;
}

/** Whether `path` is a real folder, not a link to one (false when it is absent). */
export async function isRealDir(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => null);
  return info !== null && info.isDirectory() && !info.isSymbolicLink();
}
