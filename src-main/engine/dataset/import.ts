/**
 * importDataset: a folder of images in, `<project>/dataset` out (manifest.json, shard-*.bin,
 * mean.f32). Phases: scan the folder; decode new or changed files on the worker pool (each
 * result's pixels go straight to a temp file, so memory does not grow with the folder); then write
 * the shards in a seeded random order, taking pixels from that temp file or from the previous
 * dataset (or link the previous shards when the image set is unchanged). Everything is built in a staging folder and swapped in at the end, so a cancel, an error
 * or a crash leaves the previous dataset as it was.
 */
import { open, realpath, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readManifest, type FileRow } from './manifest';
import { parseImportOptions, samePixelOptions, type ImportOptions, type ImportOptionsInput } from './options';
import { assemble, noUsableImagesMessage, planReuse, type Assembly, type Outcome } from './plan';
import { DecodePool, type DecodePoolOptions } from './pool';
import { ProgressMeter } from './progress';
import { scanFolder } from './scan';
import { shardsIntact } from './shards';
import { createStaging, recoverInterrupted, swapIn } from './staging';
import { DatasetError, diskFullError, throwIfCancelled, type ImportProgress, type ImportReport } from './types';
import { linkUnchanged, pixelSource, writeDataset } from './write-dataset';
import { DECODE_RULES } from './decode';

export interface ImportControl {
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  pool?: DecodePoolOptions;
  /** Recorded in the manifest: the name people know the dataset by. */
  name?: string;
}

const NEW_PIXELS_FILE = 'new-pixels.tmp';

export async function importDataset(
  sourceDir: string,
  datasetDir: string,
  optionsInput: ImportOptionsInput,
  control: ImportControl = {},
): Promise<ImportReport> {
  const started = performance.now();
  const options = parseImportOptions(optionsInput);
  const { signal, onProgress } = control;
  datasetDir = resolve(datasetDir);
  await recoverInterrupted(datasetDir);

  const scanMeter = new ProgressMeter('scan', 0, onProgress);
  const scan = await cancellable(signal, () =>
    scanFolder(sourceDir, { exclude: [datasetDir], signal, onFound: (n) => scanMeter.tick(n - scanMeter.done) }),
  );
  scanMeter.finish();
  const realSource = await realpath(sourceDir);

  // Reuse needs the same folder, the same pixel options, verdicts made under today's decoder rules
  // (a 1×1 image an older import kept is skipped now) and shards that are all still there.
  const previous = await readManifest(datasetDir);
  const compatible =
    previous &&
    previous.sourceDir === realSource &&
    samePixelOptions(previous.options, options) &&
    (previous.decodeRules ?? 1) === DECODE_RULES &&
    (await shardsIntact(datasetDir, previous))
      ? previous
      : null;
  const { reused, toDecode } = planReuse(scan.files, compatible);

  const staging = await createStaging(datasetDir);
  try {
    const outcomes = new Map(reused);
    const newPixels = await open(join(staging, NEW_PIXELS_FILE), 'w+');
    let assembly: Assembly;
    try {
      const offsets = await decodeAll(toDecode, options, outcomes, newPixels, control);
      assembly = assemble(scan.files, outcomes, scan.skipped, options.labelsFromFolders);
      if (assembly.kept.length === 0) {
        throw new DatasetError('no-usable-images', noUsableImagesMessage(sourceDir, assembly.skipped), { skipped: assembly.skipped });
      }
      const target = { dir: staging, sourceDir: realSource, name: control.name, options, assembly };
      const previousDataset = compatible && { dir: datasetDir, manifest: compatible };
      if (!(previousDataset && (await linkUnchanged(target, previousDataset)))) {
        const pixels = await pixelSource(options, newPixels, offsets, previousDataset || null);
        try {
          await writeDataset(target, pixels.read, control);
        } finally {
          await pixels.close();
        }
      }
    } finally {
      await newPixels.close();
    }
    await rm(join(staging, NEW_PIXELS_FILE), { force: true });
    throwIfCancelled(signal); // the last point where a cancel keeps the previous dataset
    await swapIn(staging, datasetDir);
    const count = assembly.kept.length;
    onProgress?.({ phase: 'done', done: count, total: count, imagesPerSecond: 0, etaSeconds: 0 });
    return {
      imported: count,
      skipped: assembly.skipped,
      duplicates: assembly.duplicates,
      decoded: toDecode.length,
      reused: reused.size,
      classes: classCounts(assembly.kept, assembly.classNames),
      elapsedMs: performance.now() - started,
    };
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => {});
    throw diskFullError(err, datasetDir) ?? err;
  }
}

/**
 * Decodes `files` on the pool, recording each outcome and appending each new image's pixels to
 * `sink`. Returns where each content hash's pixels are in `sink`.
 */
async function decodeAll(
  files: readonly { path: string; absPath: string }[],
  options: ImportOptions,
  outcomes: Map<string, Outcome>,
  sink: FileHandle,
  control: ImportControl,
): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  const meter = new ProgressMeter('decode', files.length, control.onProgress);
  if (files.length === 0) return offsets;
  const pool = new DecodePool(options, control.pool);
  const stop = () => void pool.close();
  control.signal?.addEventListener('abort', stop, { once: true });
  let sinkBytes = 0;
  let failure: unknown = null;
  try {
    // The pool's own depth plus one per worker: a worker never waits on us to submit.
    const window = pool.capacity + pool.size;
    const inFlight = new Set<Promise<void>>();
    for (const file of files) {
      if (control.signal?.aborted || failure) break;
      const task = pool
        .decode(file.absPath)
        .then(async (outcome) => {
          if (!outcome.ok) {
            outcomes.set(file.path, { ok: false, hash: outcome.hash, code: outcome.code, reason: outcome.reason });
          } else {
            const hash = outcome.hash!;
            outcomes.set(file.path, { ok: true, hash });
            if (!offsets.has(hash)) {
              const offset = sinkBytes; // claimed before the await, so writes never overlap
              sinkBytes += outcome.pixels.length;
              offsets.set(hash, offset);
              await sink.write(outcome.pixels, 0, outcome.pixels.length, offset);
            }
          }
          meter.tick();
        })
        .catch((err: unknown) => {
          if ((err as Error)?.name !== 'AbortError') failure ??= err;
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    control.signal?.removeEventListener('abort', stop);
    await pool.close();
  }
  if (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new DatasetError('decoder-failed', `Images could not be decoded. ${message}`, { cause: failure });
  }
  throwIfCancelled(control.signal);
  meter.finish();
  return offsets;
}

function classCounts(kept: readonly FileRow[], classNames: readonly string[]): { name: string; count: number }[] {
  const counts = new Map(classNames.map((n) => [n, 0]));
  for (const row of kept) if (row.label !== null) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count }));
}

async function cancellable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (signal?.aborted) throwIfCancelled(signal);
    throw err;
  }
}
