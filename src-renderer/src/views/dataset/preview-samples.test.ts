import { describe, expect, it } from 'vitest';
import { previewSamples } from './preview-samples';

const file = (path: string, type: string) => ({ path, file: new File(['x'], path.split('/').pop()!, { type }) });

describe('previewSamples', () => {
  it('takes the first images in path order, at most eight', () => {
    const files = [
      file('b/readme.txt', 'text/plain'),
      ...Array.from({ length: 10 }, (_, i) => file(`b/${9 - i}.png`, 'image/png')),
      file('a/x.jpg', 'image/jpeg'),
      file('a/../bad.png', 'image/png'),
    ];
    expect(previewSamples(files).map((f) => f.path)).toEqual(['a/x.jpg', 'b/0.png', 'b/1.png', 'b/2.png', 'b/3.png', 'b/4.png', 'b/5.png', 'b/6.png']);
  });

  it('falls back to any files when the browser typed none as images', () => {
    expect(previewSamples([file('scan.raw', ''), file('notes.txt', 'text/plain')]).map((f) => f.path)).toEqual(['notes.txt', 'scan.raw']);
  });
});
