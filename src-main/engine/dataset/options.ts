/** What an import produces: the resolution, framing and colour of every stored image. */
import { z } from 'zod';

const side = z.number().int().min(16).max(512);

export const ImportOptionsSchema = z.object({
  width: side.default(64),
  height: side.default(64),
  /** crop: cover then centre-crop; pad: letterbox on `background`; stretch: ignore aspect ratio. */
  fit: z.enum(['crop', 'pad', 'stretch']).default('crop'),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  /** Behind transparent pixels and around letterboxed images. */
  background: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'background must be a colour like #000000')
    .transform((s) => s.toLowerCase())
    .default('#000000'),
  labelsFromFolders: z.boolean().default(true),
  /** Images whose header declares more pixels are skipped before any decoding (decompression bombs). */
  maxPixels: z.number().int().min(1).max(2 ** 31).default(64e6),
});

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
