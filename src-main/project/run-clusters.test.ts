import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunClusters, writeRunClusters } from './run-clusters';
import { CLUSTERS_FILE } from './layout';

describe('runs/<id>/clusters.json', () => {
  it('round-trips, is absent for other runs, and names the file and what to do when damaged', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'gan-run-clusters-'));
    expect(await readRunClusters(runDir)).toBeNull();
    const clusters = { version: 1 as const, sizes: [3, 5], centres: [[0, 1], [1, 0]] };
    await writeRunClusters(runDir, clusters);
    expect(await readRunClusters(runDir)).toEqual(clusters);
    const file = join(runDir, CLUSTERS_FILE);
    for (const garbage of ['{"version":1,"sizes":[3', '{"version":1,"sizes":[3,5],"centres":[[0,1]]}', '[]', '\u0000\u0001']) {
      await writeFile(file, garbage);
      await expect(readRunClusters(runDir)).rejects.toThrow(new RegExp(`${CLUSTERS_FILE.replace('.', '\\.')}.*delete it to find the clusters again`));
    }
  });
});
