/** A dataset's evaluation key names its data: the same while the import stands, new after a re-import. */
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetDirOf } from '../../project/layout';
import { importDataset } from '../dataset';
import { mnistPng } from '../dataset/testing';
import { evalDataset } from './datasets';

describe('evalDataset', () => {
  it('keeps its key and name while the manifest stands, and changes them when the folder is imported again', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-eval-dataset-'));
    const folder = join(project, 'source');
    await mkdir(folder);
    for (let k = 0; k < 4; k++) await writeFile(join(folder, `d${k}.png`), await mnistPng(k, 0));
    const options = { width: 28, height: 28, channels: 1 as const, labelsFromFolders: false };
    await importDataset(folder, datasetDirOf(project), options, { name: 'first' });
    const first = await evalDataset(datasetDirOf(project));
    expect(first.label).toBe('first');
    expect(await evalDataset(datasetDirOf(project))).toMatchObject({ key: first.key, label: 'first' });

    await writeFile(join(folder, 'd4.png'), await mnistPng(4, 0));
    await importDataset(folder, datasetDirOf(project), options, { name: 'second' });
    const second = await evalDataset(datasetDirOf(project));
    expect(second.key).not.toBe(first.key);
    expect(second.label).toBe('second');
    await rm(project, { recursive: true, force: true });
  });
});
