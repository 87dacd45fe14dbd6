import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preset } from '../../api/training';
import { datasetDirOf } from '../../project/layout';
import { writeRunFile } from '../../project/run-file';
import { writeSyntheticDataset } from '../dataset/testing';
import { captionOf } from './render';
import { classCaption, runClassNames } from './class-names';

const conditional = (numClasses: number, labels: 'dataset' | 'clusters' = 'dataset') => ({ ...preset('cdcgan').model, numClasses, labels });

describe('the names a run’s classes carry in its exports', () => {
  it('are its dataset’s folders, the digits, Cluster 1…k, or none', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-class-names-'));
    await writeSyntheticDataset(datasetDirOf(project), 6, 16); // classes c0, c1, c2
    const runDir = join(project, 'runs', 'r1');
    await mkdir(runDir, { recursive: true });
    await writeRunFile(runDir, 'project');
    expect(await runClassNames(runDir, conditional(3))).toEqual(['c0', 'c1', 'c2']);
    expect(await runClassNames(runDir, conditional(4, 'clusters'))).toEqual(['Cluster 1', 'Cluster 2', 'Cluster 3', 'Cluster 4']);
    // A dataset re-imported with other classes since: numbers, not the wrong names.
    expect(await runClassNames(runDir, conditional(5))).toEqual([]);
    expect(await runClassNames(runDir, preset('dcgan').model)).toEqual([]);
    const demoRun = join(project, 'runs', 'r2');
    await mkdir(demoRun);
    expect(await runClassNames(demoRun, conditional(10))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('caption a tile by its folder’s name, or "class k" where the names are numbers or unknown', () => {
    expect(classCaption(['cats', 'dogs'], 1)).toBe('dogs');
    expect(classCaption(['3', '7'], 1)).toBe('class 7');
    expect(classCaption([], 2)).toBe('class 2');
    // Control characters would make the caption's SVG invalid; a long name would overflow its tile.
    expect(classCaption(['a\u0001b\u007f'], 0)).toBe('ab');
    expect(classCaption(['x'.repeat(40)], 0)).toBe(`${'x'.repeat(23)}…`);
    expect(captionOf({ seeds: [4], t: 0, path: 'slerp', class: 0 } as never, 'seed-class', ['cats', 'dogs'])).toBe('seed 4 · cats');
  });
});
