/**
 * Sends a ticketed download (services/downloads.ts): a file as it is, a folder as a zip streamed
 * while it is read (entries stored, not deflated: exports are mostly PNG, GIF and checkpoints,
 * already compressed), so memory stays flat whatever its size. Dotfiles (partial writes, locks) are
 * left out.
 */
import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Zip, ZipPassThrough } from 'fflate';
import type { DownloadTicket } from '../services/downloads';

export async function sendDownload(res: ServerResponse, download: DownloadTicket, headOnly: boolean): Promise<void> {
  const info = await stat(download.path).catch(() => null);
  if (!info) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${download.name} is no longer there.`);
    return;
  }
  const headers = {
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Content-Type': info.isDirectory() ? 'application/zip' : 'application/octet-stream',
    'Content-Disposition': attachment(info.isDirectory() ? `${download.name}.zip` : download.name),
  };
  if (!info.isDirectory()) {
    res.writeHead(200, { ...headers, 'Content-Length': String(info.size) });
    if (headOnly) return void res.end();
    await pipeline(createReadStream(download.path), res);
    return;
  }
  // Listed first: fflate writes no Zip64, so a folder past its limits is refused before any byte.
  const files: { relative: string; size: number }[] = [];
  for await (const relative of filesIn(download.path, '')) files.push({ relative, size: (await stat(join(download.path, relative))).size });
  const total = files.reduce((n, f) => n + f.size, 0);
  if (files.length > MAX_ZIP_ENTRIES || total >= MAX_ZIP_BYTES) {
    res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${download.name} is too large to download as one zip (${files.length} files, ${total} bytes; at most ${MAX_ZIP_ENTRIES} files and 4 GiB): copy the folder from the server instead.\n`);
    return;
  }
  res.writeHead(200, headers);
  if (headOnly) return void res.end();
  await zipFolder(download.path, files.map((f) => f.relative), res);
}

/** fflate's zip has no Zip64: 16-bit entry counts and 32-bit sizes. */
const MAX_ZIP_ENTRIES = 65_535;
const MAX_ZIP_BYTES = 2 ** 32 - 2 ** 20;

/**
 * Streams `files` of `dir` as a zip into `res`, waiting for the socket to drain between chunks. A
 * browser that gives up (the socket closes) ends it; a file that vanished meanwhile ends the
 * response (the caller destroys it) instead of leaving the download hanging.
 */
async function zipFolder(dir: string, files: readonly string[], res: ServerResponse): Promise<void> {
  let failure: Error | null = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) failure = err;
    else if (chunk.length) res.write(chunk);
    if (final) res.end();
  });
  const drained = () =>
    res.writableNeedDrain && !res.destroyed
      ? new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        })
      : Promise.resolve();
  for (const relative of files) {
    if (res.destroyed) return; // the browser gave up
    const entry = new ZipPassThrough(relative);
    zip.add(entry);
    const stream = createReadStream(join(dir, relative));
    try {
      for await (const chunk of stream) {
        entry.push(chunk as Uint8Array);
        await drained();
        if (res.destroyed) return;
        if (failure) throw failure;
      }
    } finally {
      stream.destroy();
    }
    entry.push(new Uint8Array(0), true);
  }
  zip.end();
}

async function* filesIn(root: string, prefix: string): AsyncGenerator<string> {
  const entries = [];
  for await (const entry of await opendir(join(root, prefix))) entries.push(entry);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* filesIn(root, relative);
    else if (entry.isFile()) yield relative;
  }
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
