import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRequestSchema } from '../api/export';
import { runExport } from '../engine/export/run';
import { GeneratorCache } from '../engine/sampling';
import { useTinyRunOnCpu } from '../test-support/tiny-run';
import { listExports } from './export';

const tiny = useTinyRunOnCpu();

describe('listExports', () => {
  it('lists exports newest first, leaves temp folders out and says why other folders are not exports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-export-list-'));
    const generators = new GeneratorCache();
    for (const name of ['first', 'second']) {
      const request = exportRequestSchema.parse({ kind: 'grid', name, source: { from: 'seeds', first: 0, count: 4, checkpoint: { runId: tiny.run.runId } }, layout: { cols: 2 } });
      await runExport({ request, exportsDir: dir, runDir: tiny.run.runDir }, { generators });
    }
    await mkdir(join(dir, '.partial-1-abcd-third'));
    await mkdir(join(dir, 'holiday photos'));
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken', 'sidecar.json'), '{"format": "gan-studio-export", "version": 1}');
    await writeFile(join(dir, 'notes.txt'), 'not a folder');

    const { exports, damaged } = await listExports(dir);
    expect(exports.map((e) => e.name)).toEqual(['second', 'first']);
    expect(exports[0]).toMatchObject({ dir: join(dir, 'second'), preview: true, sidecar: { kind: 'grid', run: { runId: tiny.run.runId } } });
    expect(damaged).toEqual([
      { name: 'broken', reason: expect.stringMatching(/^its sidecar.json is not a GAN Studio export sidecar/) },
      { name: 'holiday photos', reason: 'it has no sidecar.json' },
    ]);
  });

  it('is empty for a project that has exported nothing', async () => {
    expect(await listExports(join(tmpdir(), 'no-such-folder-for-exports'))).toEqual({ exports: [], damaged: [] });
  });
});
