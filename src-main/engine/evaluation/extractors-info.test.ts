/** The Evaluate view's list of cached classifiers names each by its dataset, not by its cache key. */
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCheckpoint } from '../../project/checkpoint/format';
import { datasetDirOf, evaluationDirOf } from '../../project/layout';
import { importDataset } from '../dataset';
import { mnistPng } from '../dataset/testing';
import { evalDataset } from './datasets';
import { extractorsInfo } from './handlers';

async function cacheClassifier(projectDir: string, key: string, testAccuracy: number, chance?: number): Promise<void> {
  const meta = { classNames: ['0°', '90°', '180°', '270°'], testAccuracy, task: 'rotation', ...(chance === undefined ? {} : { chance }) };
  const chunks = encodeCheckpoint({ step: 0, meta, groups: {} }, new Date().toISOString());
  await mkdir(evaluationDirOf(projectDir), { recursive: true });
  await writeFile(join(evaluationDirOf(projectDir), `classifier-${key}.gsc`), Buffer.concat(chunks));
}

describe('extractorsInfo', () => {
  it("names a project dataset's classifier by the dataset's name, and one of an earlier import as such", async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-extractors-info-'));
    const folder = join(project, 'source');
    await mkdir(folder);
    for (let k = 0; k < 6; k++) await writeFile(join(folder, `d${k}.png`), await mnistPng(k, 0));
    await importDataset(folder, datasetDirOf(project), { width: 28, height: 28, channels: 1, labelsFromFolders: false }, { name: 'my sketches' });
    const { key } = await evalDataset(datasetDirOf(project));
    await cacheClassifier(project, key, 0.42, 0.25);
    await cacheClassifier(project, 'project-0123456789abcdef', 0.9);

    const { cached } = (await extractorsInfo(project)).classifier;
    expect(cached).toEqual(
      expect.arrayContaining([
        { dataset: 'my sketches', testAccuracy: 0.42, classes: 4, task: 'rotation', chance: 0.25 },
        // Cached before the guessing baseline was kept.
        { dataset: 'project-0123456789abcdef (an earlier import)', testAccuracy: 0.9, classes: 4, task: 'rotation', chance: null },
      ]),
    );
  });
});
