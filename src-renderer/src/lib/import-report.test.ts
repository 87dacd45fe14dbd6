import { describe, expect, it } from 'vitest';
import { describeSource, filterSkipped, formatEta, reportFilename, skippedCsv, summaryLine, timingLine, withFolderName, type ImportReport } from './import-report';

const report: ImportReport = {
  imported: 3412,
  skipped: [
    ...Array.from({ length: 17 }, (_, i) => ({ path: `bad-${i}.png`, code: 'corrupt', reason: 'cannot be decoded' })),
    ...Array.from({ length: 4 }, (_, i) => ({ path: `dup-${i}.png`, code: 'duplicate', reason: 'same as a.png' })),
  ],
  duplicates: 4,
  decoded: 3433,
  reused: 0,
  classes: [],
  elapsedMs: 12_345,
};

describe('import report', () => {
  it('sums an import up in one line', () => {
    expect(summaryLine(report)).toBe('Imported 3,412 images · 17 skipped · 4 duplicates · 12.3 s');
    expect(summaryLine({ ...report, skipped: [], duplicates: 0, imported: 1 }, 2)).toBe('Imported 1 image · 2 skipped · 12.3 s');
  });

  it('says how long is left', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(11.2)).toBe('about 12 s left');
    expect(formatEta(125)).toBe('about 2 min 5 s left');
  });

  it('filters on path, code and reason', () => {
    const rows = [
      { path: '7/broken.png', code: 'unsupported', reason: 'not a format sharp reads' },
      { path: 'notes.txt', code: 'not-image', reason: 'not an image file' },
    ];
    expect(filterSkipped(rows, 'BROKEN').map((r) => r.path)).toEqual(['7/broken.png']);
    expect(filterSkipped(rows, 'not-image').map((r) => r.path)).toEqual(['notes.txt']);
    expect(filterSkipped(rows, '  ')).toHaveLength(2);
  });

  it('exports CSV that spreadsheets read as text', () => {
    const csv = skippedCsv([
      { path: 'a,b.png', code: 'corrupt', reason: 'said "no"' },
      { path: '=cmd.png', code: 'x', reason: 'y' },
    ]);
    expect(csv).toBe('path,code,reason\r\n"a,b.png",corrupt,"said ""no"""\r\n\'=cmd.png,x,y\r\n');
    expect(reportFilename('My Cats!')).toBe('my-cats-skipped.csv');
  });

  it('does not show temporary upload folders', () => {
    const dir = `/tmp/x/E2E project/.uploads/${'ab'.repeat(16)}`;
    expect(describeSource(dir)).toBe('Uploaded in the browser');
    expect(describeSource('/home/me/cats')).toBe('/home/me/cats');
    expect(withFolderName(`No usable images found in ${dir}. Skipped 2 entries.`, 'digits')).toBe(
      'No usable images found in “digits”. Skipped 2 entries.',
    );
  });

  it('says where an import’s wait went: the upload, then the engine', () => {
    const line = timingLine({ files: 3793, bytes: 52.4 * 2 ** 20, ms: 68_400 }, 21_000, (n) => `${(n / 2 ** 20).toFixed(1)} MiB`);
    expect(line).toBe('Uploaded 3,793 files (52.4 MiB) in 1 min 8 s, then imported in 21.0 s');
  });
});
