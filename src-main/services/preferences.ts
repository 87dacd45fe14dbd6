/**
 * App preferences (window bounds, recent projects, backend choice). Projects and runs live in
 * their own workspace folders, not here. Electron uses electron-store, plain Node uses conf: both
 * sit behind this interface, and every value read back is validated, so a hand-edited or corrupt
 * file falls back to defaults instead of crashing the app.
 */
import { z } from 'zod';
import { backendPreferenceSchema } from '../api/schemas';

export const preferencesSchema = z.object({
  windowBounds: z
    .object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(400), height: z.number().int().min(300) })
    .nullable(),
  windowMaximized: z.boolean(),
  recentProjects: z.array(z.string()).max(10),
  backend: backendPreferenceSchema,
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const defaultPreferences: Preferences = {
  windowBounds: null,
  windowMaximized: false,
  recentProjects: [],
  backend: 'auto',
};

/** The subset of electron-store / conf that we use. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export class PreferencesStore {
  constructor(private readonly store: KeyValueStore) {}

  get<K extends keyof Preferences>(key: K): Preferences[K] {
    const raw = this.store.get(key);
    const parsed = preferencesSchema.shape[key].safeParse(raw === undefined ? defaultPreferences[key] : raw);
    return (parsed.success ? parsed.data : defaultPreferences[key]) as Preferences[K];
  }

  set<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
    this.store.set(key, preferencesSchema.shape[key].parse(value));
  }

  /** Most recent first, without duplicates, at most 10. */
  addRecentProject(path: string): string[] {
    const next = [path, ...this.get('recentProjects').filter((p) => p !== path)].slice(0, 10);
    this.set('recentProjects', next);
    return next;
  }
}

/** Plain-Node store (web mode, CLI, tests). */
export async function openConfPreferences(cwd?: string): Promise<PreferencesStore> {
  const { default: Conf } = await import('conf');
  const conf = new Conf({ projectName: 'gan-studio', configName: 'preferences', ...(cwd ? { cwd } : {}) });
  return new PreferencesStore(conf as unknown as KeyValueStore);
}
