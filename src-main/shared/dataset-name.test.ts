import { describe, expect, it } from 'vitest';
import { folderDatasetName } from './dataset-name';

describe('folderDatasetName', () => {
  it('is the folder name, with its parent in front when the folder only says a size or "images"', () => {
    expect(folderDatasetName('/home/me/cats')).toBe('cats');
    expect(folderDatasetName('/x/node_modules/emoji-datasource-google/img/google/64')).toBe('google 64');
    expect(folderDatasetName('/data/faces/images')).toBe('faces images');
    expect(folderDatasetName('/data/celeba/128x128')).toBe('celeba 128x128');
    expect(folderDatasetName('/64')).toBe('64');
    expect(folderDatasetName('C:\\Users\\me\\flowers')).toMatch(/flowers$/);
  });
});
