/**
 * What the explorer keeps for a run: <project>/explore/<runId>.json with favourite seeds and their
 * notes, saved directions (with their vectors) and saved view states. Written atomically; read
 * entry by entry, so one damaged entry is skipped and reported instead of costing the rest, and a
 * file that cannot be read at all is moved aside (never overwritten) before the next write.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EXPLORE_DIR } from './layout';
import { writeFileAtomic } from './atomic';
import { favouriteKey, favouriteSchema, savedViewSchema, storedDirectionSchema, type ExploreState, type Favourite, type SavedView, type StoredDirection } from '../api/explore';
import { formatIssues } from '../api/rpc';


export interface ExploreData {
  favourites: Favourite[];
  directions: StoredDirection[];
  views: SavedView[];
}

export interface ExploreRead {
  data: ExploreData;
  problems: string[];
  /** Set when the file exists but could not be read as a whole. */
  damaged: boolean;
  mtimeMs: number | null;
}

const fileSchema = z.object({
  version: z.literal(1),
  favourites: z.array(z.unknown()).default([]),
  directions: z.array(z.unknown()).default([]),
  views: z.array(z.unknown()).default([]),
});

const empty = (): ExploreData => ({ favourites: [], directions: [], views: [] });

/** One run's explorer file. Writes are serialised per store, so concurrent edits never lose one. */
export class ExploreStore {
  private queue: Promise<unknown> = Promise.resolve();
  private cached: ExploreRead | null = null;

  constructor(
    private readonly projectDir: string,
    readonly runId: string,
  ) {}

  get file(): string {
    return join(this.projectDir, EXPLORE_DIR, `${this.runId}.json`);
  }

  /** The file's content; cached until the file's mtime changes. */
  async read(): Promise<ExploreRead> {
    const mtimeMs = await stat(this.file).then((s) => s.mtimeMs, () => null);
    if (this.cached && this.cached.mtimeMs === mtimeMs && mtimeMs !== null) return this.cached;
    this.cached = await readExploreFile(this.file, mtimeMs);
    return this.cached;
  }

  /** Applies `change` to the current data and writes the result atomically. */
  update(change: (data: ExploreData) => ExploreData | Promise<ExploreData>): Promise<ExploreRead> {
    const run = this.queue.then(async () => {
      const current = await this.read();
      const next = await change(structuredClone(current.data));
      await mkdir(join(this.projectDir, EXPLORE_DIR), { recursive: true });
      if (current.damaged) await this.moveAside();
      const body = JSON.stringify({ version: 1, ...next }, null, 1);
      await writeFileAtomic(join(this.projectDir, EXPLORE_DIR), `${this.runId}.json`, [Buffer.from(body)]);
      this.cached = null;
      const written = await this.read();
      // What was skipped when reading stays reported for this answer; the file is clean from now on.
      return { ...written, problems: current.problems };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async state(): Promise<ExploreState> {
    return toState(this.runId, await this.read());
  }

  private async moveAside(): Promise<void> {
    const stamp = new Date().toISOString().replace(/[-:.]/g, '');
    await rename(this.file, join(this.projectDir, EXPLORE_DIR, `${this.runId}.damaged-${stamp}.json`)).catch(() => undefined);
  }
}

export function toState(runId: string, read: ExploreRead): ExploreState {
  const { favourites, directions, views } = read.data;
  return { runId, favourites, directions: directions.map(({ vector: _, ...info }) => info), views, problems: read.problems };
}

async function readExploreFile(file: string, mtimeMs: number | null): Promise<ExploreRead> {
  if (mtimeMs === null) return { data: empty(), problems: [], damaged: false, mtimeMs };
  const name = file.split(/[/\\]/).at(-1)!;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    return damagedFile(name, (err as Error).message, mtimeMs);
  }
  const top = fileSchema.safeParse(raw);
  if (!top.success) return damagedFile(name, formatIssues(top.error).join('; '), mtimeMs);
  const problems: string[] = [];
  const data: ExploreData = {
    favourites: entries(top.data.favourites, favouriteSchema, 'favourite', problems),
    directions: entries(top.data.directions, storedDirectionSchema, 'direction', problems),
    views: entries(top.data.views, savedViewSchema, 'saved view', problems),
  };
  // Later duplicates (a hand-edited file) would make ids ambiguous: the first one wins.
  data.directions = unique(data.directions, (d) => d.id, 'direction', problems);
  data.views = unique(data.views, (v) => v.name, 'saved view', problems);
  data.favourites = unique(data.favourites, favouriteKey, 'favourite', problems);
  return { data, problems: problems.map((p) => `${name}: ${p}`), damaged: false, mtimeMs };
}

function damagedFile(name: string, why: string, mtimeMs: number): ExploreRead {
  return {
    data: empty(),
    problems: [`${name} cannot be read (${why.slice(0, 200)}); it is left as it is and moved aside to ${name.replace(/\.json$/, '')}.damaged-….json when the explorer next saves.`],
    damaged: true,
    mtimeMs,
  };
}

function entries<T>(list: unknown[], schema: z.ZodType<T>, what: string, problems: string[]): T[] {
  const out: T[] = [];
  list.forEach((item, i) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else problems.push(`skipped ${what} ${i + 1}: ${formatIssues(parsed.error).slice(0, 3).join('; ')}`);
  });
  return out;
}

function unique<T>(list: T[], key: (item: T) => string, what: string, problems: string[]): T[] {
  const seen = new Set<string>();
  return list.filter((item) => {
    const k = key(item);
    if (seen.has(k)) {
      problems.push(`skipped a second ${what} "${k}"`);
      return false;
    }
    seen.add(k);
    return true;
  });
}
