/**
 * Keeps the last few loaded generators, so scrubbing a slider in the explorer or exporting from the
 * checkpoint on screen does not reload weights from disk for every request. Generators are lent
 * out through use(): one evicted while a request still renders with it is disposed when that
 * request finishes, never under it.
 */
import { join } from 'node:path';
import { CheckpointStore } from '../../project/checkpoint';
import { LoadedGenerator } from './loaded-generator';
import { runFiles } from '../../project/layout';

interface Entry {
  loading: Promise<LoadedGenerator>;
  users: number;
  evicted: boolean;
}

export class GeneratorCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 2) {}

  /**
   * Runs `task` with the generator of runDir's checkpoint `file`, or of its newest checkpoint when
   * `file` is omitted (so a run that is training is followed as new checkpoints land).
   */
  async use<T>(runDir: string, file: string | undefined, task: (generator: LoadedGenerator) => Promise<T> | T): Promise<T> {
    const name = file ?? (await newestCheckpoint(runDir));
    const key = join(runDir, name ?? '(none)');
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // Re-inserted below: most recently used last.
    } else {
      const created: Entry = { loading: LoadedGenerator.load(runDir, name ?? undefined), users: 0, evicted: false };
      // A failed load is not kept: the next request tries again (the file may have landed by then).
      created.loading.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      entry = created;
    }
    this.entries.set(key, entry);
    entry.users++;
    this.evict();
    try {
      return await task(await entry.loading);
    } finally {
      entry.users--;
      this.release(entry);
    }
  }

  /** Drops every generator (e.g. when the project changes); ones in use go when their task ends. */
  clear(): void {
    for (const entry of this.entries.values()) {
      entry.evicted = true;
      this.release(entry);
    }
    this.entries.clear();
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(key);
      entry.evicted = true;
      this.release(entry);
    }
  }

  private release(entry: Entry): void {
    if (entry.evicted && entry.users === 0) void entry.loading.then((g) => g.dispose(), () => undefined);
  }
}

async function newestCheckpoint(runDir: string): Promise<string | null> {
  const list = await new CheckpointStore(runFiles(runDir).checkpoints).list();
  return list[0]?.file ?? null;
}
