import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFolder } from './scan';
import { DatasetError } from './types';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-scan-'));
  await mkdir(join(root, 'cats', 'nested'), { recursive: true });
  await mkdir(join(root, 'dogs'));
  await writeFile(join(root, 'cats', 'a.PNG'), 'x');
  await writeFile(join(root, 'cats', 'nested', 'b.jpg'), 'x');
  await writeFile(join(root, 'dogs', 'c.webp'), 'x');
  await writeFile(join(root, 'top.gif'), 'x');
  await writeFile(join(root, 'readme.md'), 'x');
  await writeFile(join(root, 'noext'), 'x');
  await writeFile(join(root, '.DS_Store'), 'x');
  await symlink(join(root, 'dogs'), join(root, 'dogs-link')); // second route to a scanned folder
  await symlink(join(root, 'cats'), join(root, 'cats', 'nested', 'up')); // loop
  await symlink(join(root, 'gone.png'), join(root, 'dangling.png'));
  await symlink(join(root, 'ring.png'), join(root, 'ring.png'));
  await mkdir(join(root, 'dataset'));
  await writeFile(join(root, 'dataset', 'inside.png'), 'x');
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('scanFolder', () => {
  it('lists images recursively with their class folder, and says why it passed over the rest', async () => {
    const found: number[] = [];
    const { files, skipped } = await scanFolder(root, { exclude: [join(root, 'dataset')], onFound: (n) => found.push(n) });
    expect(files.map((f) => [f.path, f.folder])).toEqual([
      ['cats/a.PNG', 'cats'],
      ['cats/nested/b.jpg', 'cats'],
      ['dogs/c.webp', 'dogs'],
      ['top.gif', null],
    ]);
    expect(files[0]!.size).toBe(1);
    expect(files[0]!.mtimeMs).toBeGreaterThan(0);
    expect(Object.fromEntries(skipped.map((s) => [s.path, s.code]))).toEqual({
      'cats/nested/up': 'symlink-loop',
      'dangling.png': 'broken-symlink',
      'dogs-link': 'symlink-loop',
      noext: 'not-image',
      'readme.md': 'not-image',
      'ring.png': 'symlink-loop',
    });
    expect(skipped.find((s) => s.path === 'readme.md')!.reason).toBe('not an image (.md)');
    expect(found.at(-1)).toBe(4);
  });

  it('fails clearly when the folder is missing or is a file', async () => {
    await expect(scanFolder(join(root, 'nope'))).rejects.toMatchObject({ code: 'source-unreadable' });
    await expect(scanFolder(join(root, 'top.gif'))).rejects.toBeInstanceOf(DatasetError);
  });

  it('stops when cancelled', async () => {
    await expect(scanFolder(root, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
