/** What an import produces: the resolution, framing and colour of every stored image. */
import type { z } from 'zod';
import { importOptionsSchema } from '../../api/dataset';

// The schema lives with the StudioApi contract, which the renderer shares.
export const ImportOptionsSchema = importOptionsSchema;

export type ImportOptions = z.output<typeof ImportOptionsSchema>;
export type ImportOptionsInput = z.input<typeof ImportOptionsSchema>;

export function parseImportOptions(input: ImportOptionsInput = {}): ImportOptions {
  return ImportOptionsSchema.parse(input);
}

/**
 * Whether images decoded under `a` can be reused under `b`. Labels come from paths and are
 * recomputed on every import, so `labelsFromFolders` alone never forces a re-decode; every other
 * option changes the pixels or which files pass (maxPixels).
 */
export function samePixelOptions(a: ImportOptions, b: ImportOptions): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.fit === b.fit &&
    a.channels === b.channels &&
    a.background === b.background &&
    a.maxPixels === b.maxPixels
  );
}

export function bytesPerImage(o: Pick<ImportOptions, 'width' | 'height' | 'channels'>): number {
  return o.width * o.height * o.channels;
}
