import { describe, expect, it } from 'vitest';
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

  it('keeps uploads inside the project', () => {
    const id = 'a'.repeat(32);
    expect(ImportSources.uploadTarget('/p', id, 'cats/1.png')).toBe(join('/p', '.uploads', id, 'cats', '1.png'));
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\b', 'c:x', 'a/\0']) expect(ImportSources.uploadTarget('/p', id, bad)).toBeNull();
    expect(ImportSources.uploadTarget('/p', '../../', 'x')).toBeNull();
  });
});
