import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from './testing';
import { MANIFEST_FILE } from './manifest';
import { openDataset } from './shards';

describe('manifest shard names', () => {
  it.each(['../../elsewhere', '/etc/passwd', '..', 'sub/shard-0.bin'])('a hand-edited shard %s is refused, never read', async (name) => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gs-manifest-')), 'dataset');
    await writeSyntheticDataset(dir, 4, 8, false);
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
    await writeFile(join(dir, '..', 'elsewhere'), Buffer.alloc(1 << 16));
    manifest.shards[0].file = name;
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    await expect(openDataset(dir)).rejects.toThrow(/manifest is unreadable/);
  });
});
