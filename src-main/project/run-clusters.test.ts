import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunClusters, requireRunClusters, writeRunClusters } from './run-clusters';
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
    // What is wrong is named: an oversized file, every cluster empty.
    await writeFile(file, JSON.stringify({ version: 1, sizes: new Array(101).fill(1), centres: new Array(101).fill([0]) }));
    await expect(readRunClusters(runDir)).rejects.toThrow(/not a valid clusters file \(.*at sizes.*delete it/);
    await writeFile(file, JSON.stringify({ version: 1, sizes: [0, 0], centres: [[0], [1]] }));
    await expect(readRunClusters(runDir)).rejects.toThrow(/every cluster is empty/);
  });

  it('is required, with the model\'s cluster count, where samples are drawn in the saved sizes', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'gan-run-clusters-'));
    await expect(requireRunClusters(runDir, 2)).rejects.toThrow(/clusters\.json is missing.*Open the run once.*gan-studio train --resume/);
    await writeRunClusters(runDir, { sizes: [3, 5], centres: [[0, 1], [1, 0]] });
    expect((await requireRunClusters(runDir, 2)).sizes).toEqual([3, 5]);
    await expect(requireRunClusters(runDir, 3)).rejects.toThrow(/clusters\.json holds 2 clusters and the run's model has 3: delete the file/);
  });
});
