import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '../services/projects';
import { readRunConfig } from './run-config';

describe('a damaged config.json', () => {
  it('is named, with what to do, instead of a bare JSON.parse message', async () => {
    const runDir = join(await mkdtemp(join(tmpdir(), 'gs-config-')), 'run-1');
    await mkdir(runDir);
    await writeFile(join(runDir, 'config.json'), '{ bad');
    const message = await listCheckpoints(runDir).then(() => '', (err: Error) => err.message);
    expect(message).toContain(`${join(runDir, 'config.json')} is damaged (not valid JSON`);
    expect(message).toContain('restore it from a backup or delete the run');
  });
});

describe('a run folder without config.json', () => {
  it('says whether the run is gone, the folder is not a run, or the run lost its file', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gs-config-'));
    const reason = (dir: string) => readRunConfig(dir).then(() => '', (err: Error) => err.message);
    expect(await reason(join(project, 'runs', 'gone'))).toBe(`There is no run at ${join(project, 'runs', 'gone')}: it was deleted or renamed, or the path is wrong (a run is a folder <project>/runs/<id>).`);
    expect(await reason(project)).toBe(`${project} is not a GAN Studio run: a run is a folder <project>/runs/<id> that holds config.json.`);
    await mkdir(join(project, 'runs', 'half'), { recursive: true });
    expect(await reason(join(project, 'runs', 'half'))).toContain(`${join(project, 'runs', 'half', 'config.json')} is missing: this folder is not a complete run`);
  });
});
