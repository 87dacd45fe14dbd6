/**
 * Where ffmpeg is, when the machine has one: GAN Studio does not ship it (its size and licence), so
 * it is looked for, in order, at GAN_STUDIO_FFMPEG, in the `ffmpeg-static` npm package when
 * installed, and on the PATH. Main asks (to offer MP4), the engine encodes (engine/export/ffmpeg.ts).
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

function executable(path: string | null | undefined): string | null {
  if (!path) return null;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

/** The ffmpeg to use, or null. GAN_STUDIO_FFMPEG, when set, is the only place looked at. */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.GAN_STUDIO_FFMPEG !== undefined) return executable(env.GAN_STUDIO_FFMPEG);
  try {
    // An optional package: absent on most machines, and its binary may have failed to download.
    const fromPackage = executable(createRequire(import.meta.url)('ffmpeg-static') as string | null);
    if (fromPackage) return fromPackage;
  } catch {
    // not installed
  }
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const found = executable(join(dir, name));
      if (found) return found;
    }
  }
  return null;
}
