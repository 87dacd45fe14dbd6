import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredDirection } from '../api/explore';
import { sampleSpecSchema } from '../api/sampling';
import { ExploreStore } from './explore-store';
import { EXPLORE_DIR } from './layout';

const direction = (id: string, vector = [0.6, 0.8]): StoredDirection => ({
  id,
  name: `Direction ${id}`,
  method: 'sefa',
  zDim: vector.length,
  checkpoint: { file: 'ckpt-000000004.gsc', step: 4 },
  created: '2026-01-01T00:00:00.000Z',
  detail: '',
  orthogonalTo: [],
  vector,
});
const spec = sampleSpecSchema.parse({ version: 1, checkpoint: { runId: 'run-1' }, images: [{ seeds: [1, 2], t: 0.5 }] });

async function project(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'gan-explore-store-'));
}

describe('ExploreStore', () => {
  it('round-trips favourites, directions and views through an atomic file', async () => {
    const dir = await project();
    const store = new ExploreStore(dir, 'run-1');
    expect(await store.state()).toEqual({ runId: 'run-1', favourites: [], directions: [], views: [], problems: [] });
    await store.update((d) => ({ ...d, favourites: [{ seed: 7, class: null, note: 'thick stroke', added: 'now' }] }));
    await store.update((d) => ({ ...d, directions: [direction('sefa-4-1')], views: [{ name: 'Two digits', spec, saved: 'now' }] }));

    // A fresh store (another window, a restart) reads the same thing back.
    const again = new ExploreStore(dir, 'run-1');
    const read = await again.read();
    expect(read.problems).toEqual([]);
    expect(read.data.favourites).toEqual([{ seed: 7, class: null, note: 'thick stroke', added: 'now' }]);
    expect(read.data.directions).toEqual([direction('sefa-4-1')]);
    expect(read.data.views[0]!.spec).toEqual(spec);
    // The state the renderer gets leaves the vectors out.
    expect((await again.state()).directions[0]).not.toHaveProperty('vector');
    expect((await readdir(join(dir, EXPLORE_DIR))).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('serialises concurrent updates so none is lost', async () => {
    const store = new ExploreStore(await project(), 'run-1');
    await Promise.all(
      [1, 2, 3, 4, 5].map((seed) => store.update((d) => ({ ...d, favourites: [...d.favourites, { seed, class: null, note: '', added: 'now' }] }))),
    );
    expect((await store.read()).data.favourites.map((f) => f.seed)).toEqual([1, 2, 3, 4, 5]);
  });

  it('skips and reports damaged entries, keeping the good ones', async () => {
    const dir = await project();
    await mkdir(join(dir, EXPLORE_DIR));
    const file = {
      version: 1,
      favourites: [{ seed: 3, class: null, note: '', added: 'x' }, { seed: -1, class: null, note: '', added: 'x' }],
      directions: [direction('good'), { ...direction('short'), vector: [1] }, { ...direction('nan'), vector: [1, null] }, direction('good')],
      views: [{ name: 'v', spec: { version: 2 }, saved: 'x' }],
    };
    await writeFile(join(dir, EXPLORE_DIR, 'run-1.json'), JSON.stringify(file));
    const read = await new ExploreStore(dir, 'run-1').read();
    expect(read.damaged).toBe(false);
    expect(read.data.favourites.map((f) => f.seed)).toEqual([3]);
    expect(read.data.directions.map((d) => d.id)).toEqual(['good']);
    expect(read.data.views).toEqual([]);
    expect(read.problems).toHaveLength(5);
    expect(read.problems.join('\n')).toMatch(/skipped favourite 2/);
    expect(read.problems.join('\n')).toMatch(/skipped a second direction "good"/);
  });

  it('reads an unreadable file as empty, reports it and moves it aside before the next write', async () => {
    const dir = await project();
    await mkdir(join(dir, EXPLORE_DIR));
    await writeFile(join(dir, EXPLORE_DIR, 'run-1.json'), '{"version": 1, "favourites": [');
    const store = new ExploreStore(dir, 'run-1');
    const state = await store.state();
    expect(state.favourites).toEqual([]);
    expect(state.problems[0]).toMatch(/run-1\.json cannot be read/);

    const written = await store.update((d) => ({ ...d, favourites: [{ seed: 1, class: null, note: '', added: 'now' }] }));
    expect(written.problems[0]).toMatch(/cannot be read/);
    const files = await readdir(join(dir, EXPLORE_DIR));
    const aside = files.find((f) => f.startsWith('run-1.damaged-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, EXPLORE_DIR, aside!), 'utf8')).toBe('{"version": 1, "favourites": [');
    expect((await store.state()).problems).toEqual([]);
  });

  it('refuses a file from an unknown version without failing', async () => {
    const dir = await project();
    await mkdir(join(dir, EXPLORE_DIR));
    await writeFile(join(dir, EXPLORE_DIR, 'run-1.json'), JSON.stringify({ version: 9, favourites: [] }));
    const read = await new ExploreStore(dir, 'run-1').read();
    expect(read.damaged).toBe(true);
    expect(read.problems[0]).toMatch(/version/);
  });
});
