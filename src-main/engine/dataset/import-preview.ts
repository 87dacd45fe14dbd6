/**
 * The import form's live preview: a few sample files decoded with the chosen options by the same
 * function the importer uses (decodeFile: EXIF orientation, alpha on the background, fit, channels),
 * so what the user sees is exactly what would be stored.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { PREVIEW_SAMPLES_MAX, type ImportPreview } from '../../api/dataset';
import { readManifest } from './';
import { decodeFile } from './decode';
import type { ImportOptions } from './options';
import { compare, scanFolder } from './scan';
import { locateDataset } from './staging';
import { tileGrid } from '../image/grid';
import { toPngImage } from '../image/png';

interface Sample {
  path: string;
  absPath: string;
}

/** `sourceDir` null: the first images of the dataset's own source folder. */
export async function previewImport(sourceDir: string | null, datasetDir: string, options: ImportOptions): Promise<ImportPreview> {
  const tile = { width: options.width, height: options.height };
  const found = sourceDir ? await samplesIn(sourceDir) : await datasetSamples(datasetDir);
  if ('message' in found) return { image: null, tile, samples: [], message: found.message };

  const outcomes = await Promise.all(found.samples.map((s) => decodeFile(s.absPath, options)));
  const samples = found.samples.map((s, i) => {
    const outcome = outcomes[i]!;
    return { path: s.path, ok: outcome.ok, reason: outcome.ok ? null : outcome.reason };
  });
  const decoded = outcomes.flatMap((o) => (o.ok ? [o.pixels] : []));
  if (decoded.length === 0) {
    return { image: null, tile, samples, message: 'None of the sample files could be decoded: see the reasons below.' };
  }
  const imageBytes = options.width * options.height * options.channels;
  const batch = new Uint8Array(decoded.length * imageBytes);
  decoded.forEach((pixels, i) => batch.set(pixels, i * imageBytes));
  const strip = tileGrid(batch, decoded.length, options.height, options.width, options.channels, {
    rows: 1,
    cols: decoded.length,
    padding: 2,
    background: 40,
  });
  return { image: await toPngImage(strip), tile, samples, message: null };
}

async function samplesIn(dir: string): Promise<{ samples: Sample[] } | { message: string }> {
  const { files } = await scanFolder(dir);
  if (files.length === 0) return { message: 'No image files among the samples.' };
  return { samples: files.slice(0, PREVIEW_SAMPLES_MAX).map((f) => ({ path: f.path, absPath: f.absPath })) };
}

async function datasetSamples(datasetDir: string): Promise<{ samples: Sample[] } | { message: string }> {
  const dir = await locateDataset(datasetDir);
  const manifest = dir ? await readManifest(dir) : null;
  if (!manifest) return { message: 'Choose a folder to preview how its images will be imported.' };
  const rows = manifest.files
    .filter((row) => row.status === 'ok')
    .sort((a, b) => compare(a.path, b.path))
    .slice(0, PREVIEW_SAMPLES_MAX);
  if (rows.length === 0) return { message: 'Choose a folder to preview how its images will be imported.' };
  const samples = rows.map((row) => ({ path: row.path, absPath: join(manifest.sourceDir, row.path) }));
  // Web mode deletes uploads once imported; a moved or deleted folder looks the same.
  if (!(await access(samples[0]!.absPath).then(() => true, () => false))) {
    return { message: 'The original files of this dataset are no longer on disk: choose a folder to preview how its images will be imported.' };
  }
  return { samples };
}
