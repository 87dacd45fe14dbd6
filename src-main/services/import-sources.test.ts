import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportSources } from './import-sources';

describe('ImportSources', () => {
  it('hands out single-use tokens for dropped folders', async () => {
    const sources = new ImportSources();
    const token = sources.registerDrop('/data/cats');
    expect(token).toMatch(/^[a-f0-9]{32}$/);
    expect(await sources.resolve({ kind: 'dropped', token }, '/p')).toMatchObject({ dir: '/data/cats' });
    await expect(sources.resolve({ kind: 'dropped', token }, '/p')).rejects.toThrow(/expired/);
    await expect(sources.resolve({ kind: 'dropped', token: 'f'.repeat(32) }, '/p')).rejects.toThrow(/expired/);
  });

  it('uses the native dialog on the desktop and says there is none in web mode', async () => {
    expect(await new ImportSources(async () => '/picked').resolve({ kind: 'dialog' }, '/p')).toMatchObject({ dir: '/picked' });
    expect(await new ImportSources(async () => null).resolve({ kind: 'dialog' }, '/p')).toBeNull();
    await expect(new ImportSources().resolve({ kind: 'dialog' }, '/p')).rejects.toThrow(/no folder dialog in web mode/);
  });

  it('lets a folder picked in the dialog be previewed, then imported once', async () => {
    const sources = new ImportSources(async () => join('/data', 'cats'));
    const picked = (await sources.choose())!;
    expect(picked.folder).toBe('cats');
    expect(sources.peek(picked.token)).toBe(join('/data', 'cats'));
    expect(sources.peek(picked.token)).toBe(join('/data', 'cats'));
    expect(await sources.resolve({ kind: 'dropped', token: picked.token }, '/p')).toMatchObject({ dir: join('/data', 'cats') });
    expect(() => sources.peek(picked.token)).toThrow(/choose it again/);
    expect(await new ImportSources(async () => null).choose()).toBeNull();
    await expect(new ImportSources().choose()).rejects.toThrow(/no folder dialog in web mode/);
  });

  it('takes one dropped folder, or loose files gathered into a flat folder of the project, and nothing else', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gan-dropped-'));
    for (const dir of ['cats', 'dogs', 'project']) await mkdir(join(root, dir));
    await writeFile(join(root, 'cats', 'a.png'), 'cat');
    await writeFile(join(root, 'dogs', 'a.png'), 'dog');
    const sources = new ImportSources();
    const folder = await sources.registerDropped([join(root, 'cats')]);
    expect(sources.peek(folder)).toBe(join(root, 'cats'));

    const loose = await sources.registerDropped([join(root, 'cats', 'a.png'), join(root, 'dogs', 'a.png')]);
    expect(() => sources.peek(loose)).toThrow(/choose a folder to preview/);
    const gathered = (await sources.resolve({ kind: 'dropped', token: loose }, join(root, 'project')))!;
    expect(gathered.dir.startsWith(join(root, 'project', '.uploads'))).toBe(true);
    expect((await readdir(gathered.dir)).sort()).toEqual(['a (2).png', 'a.png']);
    expect(await readFile(join(gathered.dir, 'a (2).png'), 'utf8')).toBe('dog');
    await gathered.cleanup();
    expect(await readdir(join(root, 'project', '.uploads'))).toEqual([]);

    for (const bad of [[], [join(root, 'cats'), join(root, 'dogs')], [join(root, 'cats'), join(root, 'cats', 'a.png')], [join(root, 'nope.png')], 'x', [42]]) {
      await expect(sources.registerDropped(bad)).rejects.toThrow(/Drop/);
    }
  });

  it('keeps uploads inside the project', () => {
    const id = 'a'.repeat(32);
    expect(ImportSources.uploadTarget('/p', id, 'cats/1.png')).toBe(join('/p', '.uploads', id, 'cats', '1.png'));
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\b', 'c:x', 'a/\0']) expect(ImportSources.uploadTarget('/p', id, bad)).toBeNull();
    expect(ImportSources.uploadTarget('/p', '../../', 'x')).toBeNull();
  });
});
