/**
 * Main-side export handlers: the renderer names a run, a checkpoint and an export name, never a
 * path; exports go to <project>/exports/<name>/. Listing and previews read the folder here; the
 * engine renders and writes.
 */
import { confinedPath } from '../project/links';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPORTS_DIR } from '../project/layout';
import { runIdOfRequest, sidecarSchema, type ExportEntry, type exportRequests } from '../api/export';
import { StudioError, formatIssues } from '../api/rpc';
import type { StudioContext } from './capability';
import type { HandlersFor } from '../api/rpc';
import { findFfmpeg } from '../shared/ffmpeg';

const SIDECAR = 'sidecar.json';
const PREVIEW = 'preview.png';

export function exportStudioHandlers(ctx: StudioContext): HandlersFor<typeof exportRequests> {
  // exports/ and what is read or written in it, never through a link (project/links.ts).
  const exportsDir = () => confinedPath(ctx.requireProject().dir, join(ctx.requireProject().dir, EXPORTS_DIR));
  const inExport = (name: string, file: string) => confinedPath(ctx.requireProject().dir, join(exportsDir(), name, file));
  return {
    'export.create': (request) => ctx.engine.request('export.run', { request, exportsDir: exportsDir(), runDir: ctx.runDir(runIdOfRequest(request)) }),
    'export.cancel': () => ctx.engine.request('export.cancel', {}),
    'export.list': async () => ({ dir: exportsDir(), ...(await listExports(exportsDir())), mp4: findFfmpeg() !== null }),
    'export.preview': async ({ name }) => {
      const png = await readFile(inExport(name, PREVIEW)).catch(() => null);
      // Width and height are the first fields of the IHDR chunk, right after the 8-byte signature.
      return { image: png && png.length > 24 ? { width: png.readUInt32BE(16), height: png.readUInt32BE(20), pngBase64: png.toString('base64') } : null };
    },
    'export.again': async ({ name }) => {
      inExport(name, SIDECAR);
      const entry = await readExport(exportsDir(), name);
      if ('reason' in entry) throw new StudioError({ code: 'invalid-request', message: `Export "${name}" cannot be made again: ${entry.reason}` });
      const { sidecar } = entry;
      return ctx.engine.request('export.run', {
        request: { ...sidecar.request, onExisting: 'rename' },
        exportsDir: exportsDir(),
        runDir: ctx.runDir(runIdOfRequest(sidecar.request)),
        ...(sidecar.run.sha256 ? { expectSha256: sidecar.run.sha256 } : {}),
      });
    },
  };
}

/** Every folder in exports/ with a readable sidecar (newest first), and the ones without. */
export async function listExports(dir: string): Promise<{ exports: ExportEntry[]; damaged: { name: string; reason: string }[] }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const exports: ExportEntry[] = [];
  const damaged: { name: string; reason: string }[] = [];
  for (const name of names) {
    // Hidden folders are exports still being written (or left by a crash, swept by the next export).
    if (name.startsWith('.')) continue;
    // A link is not an export of this project (its files are elsewhere).
    const info = await lstat(join(dir, name)).catch(() => null);
    if (!info?.isDirectory() || info.isSymbolicLink()) continue;
    const entry = await readExport(dir, name);
    if ('reason' in entry) damaged.push({ name, reason: entry.reason });
    else exports.push(entry);
  }
  exports.sort((a, b) => b.sidecar.createdAt.localeCompare(a.sidecar.createdAt) || a.name.localeCompare(b.name));
  return { exports, damaged };
}

async function readExport(dir: string, name: string): Promise<ExportEntry | { reason: string }> {
  let raw: string;
  try {
    raw = await readFile(join(dir, name, SIDECAR), 'utf8');
  } catch {
    return { reason: 'it has no sidecar.json' };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { reason: 'its sidecar.json is not valid JSON' };
  }
  const parsed = sidecarSchema.safeParse(json);
  if (!parsed.success) return { reason: `its sidecar.json is not a GAN Studio export sidecar (${formatIssues(parsed.error).slice(0, 2).join('; ')})` };
  const preview = await stat(join(dir, name, PREVIEW)).then((s) => s.isFile(), () => false);
  // An image set lists a thousand files: the list only needs a few (the sidecar on disk has them all).
  return { name, dir: join(dir, name), sidecar: { ...parsed.data, files: parsed.data.files.slice(0, 20) }, preview };
}
