import { describe, expect, it } from 'vitest';
import { preset } from '../../../../src-main/api/training';
import { readStoredDraft, writeStoredDraft } from './draft-storage';

/** The part of the Web Storage API the module uses, over a Map. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const kept = () => ({
  draft: { ...preset('dcgan'), steps: 77 },
  origin: preset('dcgan'),
  presetName: 'dcgan' as const,
  savedName: null,
  name: 'DCGAN',
  dataset: 'project:abc123' as never,
  datasetSize: { width: 28, height: 28, channels: 1, classes: 2, count: 12 },
  datasetTouched: true,
  project: '/home/me/GAN Studio/Cats',
});

describe('the kept Model draft', () => {
  it('comes back as it was written', () => {
    const storage = memoryStorage();
    expect(writeStoredDraft(storage, kept())).toBe(true);
    expect(readStoredDraft(storage)).toEqual(kept());
  });

  it('is only written while valid, so a reload mid-edit brings back the last valid draft', () => {
    const storage = memoryStorage();
    writeStoredDraft(storage, kept());
    expect(writeStoredDraft(storage, { ...kept(), draft: { ...preset('dcgan'), steps: '' } })).toBe(false);
    expect(readStoredDraft(storage)?.draft.steps).toBe(77);
  });

  it('is dropped when damaged or from another shape, and a refusing storage loses nothing else', () => {
    const storage = memoryStorage();
    storage.setItem('gan-studio.model-draft.v1', '{ not json');
    expect(readStoredDraft(storage)).toBeNull();
    expect(storage.length).toBe(0);
    storage.setItem('gan-studio.model-draft.v1', JSON.stringify({ ...kept(), draft: { model: 'dcgan' } }));
    expect(readStoredDraft(storage)).toBeNull();
    expect(storage.length).toBe(0);
    const full = { ...memoryStorage(), setItem: () => { throw new DOMException('quota', 'QuotaExceededError'); } } as Storage;
    expect(writeStoredDraft(full, kept())).toBe(false);
    expect(readStoredDraft(null)).toBeNull();
  });
});
