import { describe, expect, it } from 'vitest';
import { badPathReason, filesFromInput, newUploadId, planUpload, stripTopFolder, topFolderName, uploadUrl } from './upload';

const file = (name: string, relative = '', size = 3) => {
  const f = new File([new Uint8Array(size)], name);
  Object.defineProperty(f, 'webkitRelativePath', { value: relative });
  return f;
};

describe('upload paths', () => {
  it('makes upload ids the server accepts', () => {
    const id = newUploadId();
    expect(id).toMatch(/^[a-f0-9]{32}$/);
    expect(newUploadId()).not.toBe(id);
  });

  it('drops the picked folder so its subfolders become labels', () => {
    expect(stripTopFolder('digits/3/a.png')).toBe('3/a.png');
    expect(stripTopFolder('digits/a.png')).toBe('a.png');
    const files = [file('a.png', 'digits/3/a.png'), file('b.png', 'digits/b.png')];
    expect(filesFromInput(files).map((f) => f.path)).toEqual(['3/a.png', 'b.png']);
    expect(topFolderName(files)).toBe('digits');
  });

  it('treats files without a relative path as one flat folder', () => {
    const files = [file('a.png'), file('b.png')];
    expect(filesFromInput(files).map((f) => f.path)).toEqual(['a.png', 'b.png']);
    expect(topFolderName(files)).toBeNull();
  });

  it('leaves out what the server would refuse, with a reason', () => {
    expect(badPathReason('3/a.png')).toBeNull();
    for (const bad of ['a:b.png', 'a\\b.png', '../a.png', 'a//b.png', `${'x'.repeat(256)}.png`]) expect(badPathReason(bad)).not.toBeNull();
    const plan = planUpload([
      { file: file('ok.png'), path: 'ok.png' },
      { file: file('c:.png'), path: 'c:.png' },
      { file: { size: 300 * 2 ** 20 } as File, path: 'huge.tif' },
    ]);
    expect(plan.send.map((f) => f.path)).toEqual(['ok.png']);
    expect(plan.skipped.map((s) => [s.path, s.code])).toEqual([
      ['c:.png', 'bad-name'],
      ['huge.tif', 'too-large'],
    ]);
  });

  it('encodes each path segment but keeps the slashes', () => {
    expect(uploadUrl('a'.repeat(32), 'my cats/#1.png')).toBe(`/api/upload/${'a'.repeat(32)}/my%20cats/%231.png`);
  });
});
