/**
 * dataset/manifest.json: one row per source file (kept, duplicate or skipped) plus the layout of
 * the shards. It is what makes re-imports incremental and what the UI lists in its report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../project/atomic';
import { ImportOptionsSchema } from './options';
import type { SkipCode } from './types';

export const MANIFEST_FILE = 'manifest.json';
export const MEAN_FILE = 'mean.f32';
export const MANIFEST_VERSION = 1;

const skipCodes = [
  'not-image', 'hidden', 'empty', 'unreadable', 'broken-symlink', 'symlink-loop',
  'unsupported', 'corrupt', 'too-many-pixels', 'too-large', 'too-small', 'extreme-aspect', 'duplicate', 'cross-class-duplicate',
] as const satisfies readonly SkipCode[];

export const FileRowSchema = z.object({
  /** Relative to sourceDir, `/`-separated. */
  path: z.string(),
  /** null for entries the scanner could not stat (broken links, unreadable folders). */
  size: z.number().nullable(),
  mtimeMs: z.number().nullable(),
  /** sha256 of the file's bytes; null when never read. */
  hash: z.string().nullable(),
  label: z.string().nullable(),
  status: z.enum(['ok', 'duplicate', 'skipped']),
  code: z.enum(skipCodes).optional(),
  reason: z.string().optional(),
  /** Position in shard storage order, for status "ok". */
  index: z.number().int().nonnegative().optional(),
});
export type FileRow = z.infer<typeof FileRowSchema>;

export const ManifestSchema = z.object({
  format: z.literal('gan-studio-dataset'),
  version: z.literal(MANIFEST_VERSION),
  createdAt: z.string(),
  /** The folder imported, resolved through symlinks. */
  sourceDir: z.string(),
  /** The name people know the dataset by (the imported folder's); older manifests have none. */
  name: z.string().max(80).optional(),
  options: ImportOptionsSchema,
  /** The decoder's rules the verdicts were made under (DECODE_RULES); older manifests have none (1). */
  decodeRules: z.number().int().positive().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  count: z.number().int().nonnegative(),
  imagesPerShard: z.number().int().positive(),
  /** Sorted; a label's class index is its position here. */
  classNames: z.array(z.string()),
  // A plain file name inside the dataset folder: a hand-edited "../../elsewhere" must not be read.
  shards: z.array(z.object({ file: z.string().regex(/^(?!\.\.?$)[A-Za-z0-9._-]+$/, 'a shard must be a file name inside the dataset folder'), count: z.number().int().nonnegative() })),
  files: z.array(FileRowSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** The manifest in `dir`, or null when there is none or it cannot be trusted. */
export async function readManifest(dir: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(dir, MANIFEST_FILE, [Buffer.from(JSON.stringify(manifest))]);
}
