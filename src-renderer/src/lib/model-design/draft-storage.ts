/**
 * The Model view's draft kept across a reload of the window (web mode's F5, an Electron reload
 * after an update): the config being designed, what it started from, its name, and the dataset it
 * was designed for. Kept in the window's localStorage, one per app (the draft is app-wide); only a
 * valid draft is written, so a reload mid-edit brings back the last valid one. Everything read
 * back is checked with the engine's own schemas: another version's or a damaged entry is dropped.
 */
import { z } from 'zod';
import { trainConfigSchema, type TrainConfig } from '../../../../src-main/api/train-config';
import { datasetRefSchema, presetNames, type DatasetRef, type PresetName } from '../../../../src-main/api/training';

const KEY = 'gan-studio.model-draft.v1';

const storedSchema = z.object({
  draft: trainConfigSchema,
  origin: trainConfigSchema,
  presetName: z.enum(presetNames).nullable(),
  savedName: z.string().max(200).nullable(),
  name: z.string().max(200),
  dataset: datasetRefSchema,
  /** The dataset's size when the draft was kept: if it changed since, the draft is fitted again. */
  datasetSize: z.object({ width: z.number(), height: z.number(), channels: z.number(), classes: z.number(), count: z.number() }).nullable(),
  datasetTouched: z.boolean(),
  /** The project folder the draft was made in: its saved-config name and dataset belong there. */
  project: z.string().max(4096).nullable(),
});

export interface StoredDraft {
  draft: TrainConfig;
  origin: TrainConfig;
  presetName: PresetName | null;
  savedName: string | null;
  name: string;
  dataset: DatasetRef;
  datasetSize: { width: number; height: number; channels: number; classes: number; count: number } | null;
  datasetTouched: boolean;
  project: string | null;
}

/** What of a dataset's shape the draft is fitted to. */
export const datasetSizeOf = ({ width, height, channels, classes, count }: StoredDraft['datasetSize'] & {}): NonNullable<StoredDraft['datasetSize']> => ({ width, height, channels, classes, count });

/** The window's storage, or null where there is none (tests in Node, a locked-down browser). */
export function windowStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readStoredDraft(storage: Storage | null): StoredDraft | null {
  const text = storage?.getItem(KEY);
  if (!text) return null;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: dropped below.
  }
  storage!.removeItem(KEY);
  return null;
}

/** Writes the draft when it is valid; a full or refused storage only loses the reload's convenience. */
export function writeStoredDraft(storage: Storage | null, value: Omit<StoredDraft, 'draft' | 'origin'> & { draft: unknown; origin: unknown }): boolean {
  const parsed = storedSchema.safeParse(value);
  if (!storage || !parsed.success) return false;
  try {
    storage.setItem(KEY, JSON.stringify(parsed.data));
    return true;
  } catch {
    return false;
  }
}
