import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '../services/projects';

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
