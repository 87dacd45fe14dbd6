/**
 * Faults an import or a dataset read can meet, in words a user can act on (issue #14 item 15):
 * a shard whose header lies about its size, and a disk that fills up during the import.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from './import';
import { readShard, readShardSync } from './shard-format';
import { openDataset } from './shards';
import { mnistPng, writeSyntheticDataset } from './testing';
import { DatasetError, diskFullError } from './types';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-faults-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a shard header that does not fit its file', () => {
  it('names the shard and says to re-import, instead of "Invalid typed array length"', async () => {
    const datasetDir = join(dir, 'dataset');
    await writeSyntheticDataset(datasetDir, 20, 8);
    const shard = join(datasetDir, 'shard-001.bin');
    const fh = await open(shard, 'r+');
    const count = Buffer.alloc(4);
    count.writeUInt32LE(2 ** 31);
    await fh.write(count, 0, 4, 8);
    await fh.close();
    const damaged = /shard-001\.bin is damaged: its header claims 2147483648 images of 16×16×1 .* but the file has \d+\. The dataset is damaged: import the images again/;
    await expect(readShard(shard)).rejects.toThrow(damaged);
    expect(() => readShardSync(shard)).toThrow(damaged);
    // And where training meets it: streaming the dataset's batches.
    const reader = await openDataset(datasetDir);
    const epoch = async () => {
      for await (const batch of reader.batches(4, 1)) void batch;
    };
    await expect(epoch()).rejects.toThrow(damaged);
    await reader.close();
  });

  it('refuses a header whose size is right for its count but not for its file (a truncated shard)', async () => {
    const datasetDir = join(dir, 'truncated');
    await writeSyntheticDataset(datasetDir, 10, 8);
    const shard = join(datasetDir, 'shard-000.bin');
    const fh = await open(shard, 'r+');
    await fh.truncate(32 + 4 * 8 + 5 * 256);
    await fh.close();
    await expect(readShard(shard)).rejects.toThrow(/shard-000\.bin is damaged: its header claims 8 images .* in 2112 bytes, but the file has 1344/);
  });
});

describe('a full disk during an import', () => {
  it('is recognised on the error or its causes, from a real ENOSPC (/dev/full)', async () => {
    const full = await open('/dev/full', 'w').catch(() => null);
    let enospc: unknown = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    if (full) {
      enospc = await full.write(Buffer.alloc(16)).then(
        () => null,
        (err: unknown) => err,
      );
      await full.close();
    }
    expect((enospc as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const wrapped = new DatasetError('decoder-failed', 'Images could not be decoded.', { cause: enospc });
    for (const err of [enospc, wrapped]) {
      const converted = diskFullError(err, '/projects/P/dataset');
      expect(converted?.code).toBe('disk-full');
      expect(converted?.userMessage).toMatch(/^The disk is full: the dataset could not be written in \/projects\/P\/dataset\. Free some space there/);
    }
    expect(diskFullError(Object.assign(new Error('quota'), { code: 'EDQUOT' }), '/d')?.userMessage).toMatch(/The disk is full \(your quota is used up\)/);
    expect(diskFullError(Object.assign(new Error('denied'), { code: 'EACCES' }), '/d')).toBeNull();
  });

  // A real small file system (tmpfs) where mounting is allowed (root in a container, Linux).
  const mountPoint = join(tmpdir(), `gs-tiny-fs-${process.pid}`);
  const canMount = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    try {
      execFileSync('mkdir', ['-p', mountPoint]);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
      execFileSync('umount', [mountPoint]);
      return true;
    } catch {
      return false;
    }
  })();

  it.runIf(canMount)('says the disk is full, with the folder, in the decode and in the shard phase, and leaves nothing behind', async () => {
    const source = join(dir, 'digits');
    for (const digit of [0, 1, 2, 3]) {
      await mkdir(join(source, String(digit)), { recursive: true });
      for (let k = 0; k < 10; k++) await writeFile(join(source, String(digit), `${k}.png`), await mnistPng(digit, k));
    }
    // 40 images of 32×32 RGB: 120 KiB of decoded pixels, then as much again in shards.
    const options = { width: 32, height: 32, channels: 3 as const, labelsFromFolders: true };
    for (const [size, reachesShards] of [['64k', false], ['180k', true]] as const) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint]);
      try {
        const datasetDir = join(mountPoint, 'Project', 'dataset');
        const phases = new Set<string>();
        const failure = await importDataset(source, datasetDir, options, { pool: { size: 2 }, onProgress: (p) => phases.add(p.phase) }).then(
          () => null,
          (err: unknown) => err,
        );
        expect(failure, size).toBeInstanceOf(DatasetError);
        expect((failure as DatasetError).code).toBe('disk-full');
        expect((failure as DatasetError).userMessage).toContain(`The disk is full: the dataset could not be written in ${datasetDir}. Free some space there`);
        expect((failure as DatasetError).userMessage).not.toMatch(/decoded\./);
        expect(await readdir(join(mountPoint, 'Project'))).toEqual([]);
        // The first size fills up with decoded pixels, the second while writing shards.
        expect(phases.has('write'), size).toBe(reachesShards);
      } finally {
        execFileSync('umount', [mountPoint]);
      }
    }
  });
});
