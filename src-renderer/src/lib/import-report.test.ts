import { describe, expect, it } from 'vitest';
import {
  describeSkip,
  describeSource,
  filterSkipped,
  formatEta,
  reportFilename,
  skippedBreakdown,
  skippedCounts,
  skippedCsv,
  skippedTotal,
  summaryLine,
  timingLine,
  withFolderName,
  type ImportReport,
} from './import-report';

const report: ImportReport = {
  imported: 3412,
  skipped: [
    ...Array.from({ length: 17 }, (_, i) => ({ path: `bad-${i}.png`, code: 'corrupt', reason: 'cannot be decoded' })),
    ...Array.from({ length: 4 }, (_, i) => ({ path: `dup-${i}.png`, code: 'duplicate', reason: 'same as a.png' })),
  ],
  skippedCounts: { corrupt: 17, duplicate: 4 },
  duplicates: 4,
  decoded: 3433,
  reused: 0,
  classes: [],
  elapsedMs: 12_345,
};

describe('import report', () => {
  it('sums an import up in one line', () => {
    expect(summaryLine(report)).toBe('Imported 3,412 images · 21 skipped (17 corrupt, 4 duplicates) · 12.3 s');
    const browser = [{ path: 'x.png', code: 'unreadable', reason: 'The browser could not read this file: x' }];
    expect(summaryLine({ ...report, skipped: [], skippedCounts: {}, duplicates: 0, imported: 1 }, browser)).toBe(
      'Imported 1 image · 1 skipped (1 unreadable) · 12.3 s',
    );
    expect(summaryLine({ ...report, skipped: [], skippedCounts: {}, duplicates: 0 })).toBe('Imported 3,412 images · 0 skipped · 12.3 s');
  });

  it('counts skipped files one way in the summary and the Skipped files heading (duplicates included)', () => {
    // 52 duplicates, nothing else: the summary once read "0 skipped · 52 duplicates" under a heading of 52.
    const dups = { ...report, skipped: [], skippedCounts: { duplicate: 52 }, duplicates: 52 };
    const counts = skippedCounts(dups.skippedCounts);
    expect(skippedTotal(counts)).toBe(52);
    expect(summaryLine(dups)).toContain('52 skipped (52 duplicates)');
    // The heading counts the whole import, not the rows sent (cut to the first few thousand).
    const many = skippedCounts({ corrupt: 9000, duplicate: 1 }, [{ path: 'a', code: 'corrupt', reason: 'r' }]);
    expect(skippedTotal(many)).toBe(9002);
    expect(skippedBreakdown(many)).toBe('9,001 corrupt, 1 duplicate');
  });

  it('names each skipped file’s category once', () => {
    const shown = (code: string, reason: string) => {
      const d = describeSkip({ path: 'p', code, reason });
      return `${d.category} · ${d.detail}`;
    };
    expect(shown('duplicate', 'duplicate of cat-01.png')).toBe('duplicate · of cat-01.png');
    expect(shown('empty', 'empty file (0 bytes)')).toBe('empty · 0 bytes');
    expect(shown('hidden', 'hidden file')).toBe('hidden · ');
    expect(shown('not-image', 'not an image (.txt)')).toBe('not an image · .txt');
    expect(shown('too-many-pixels', 'too many pixels (9000×9000, limit 40,000,000)')).toBe('too many pixels · 9000×9000, limit 40,000,000');
    expect(shown('corrupt', 'corrupt image (bad seek)')).toBe('corrupt · bad seek');
    expect(shown('corrupt', 'truncated image (premature end)')).toBe('corrupt · truncated image (premature end)');
    expect(shown('broken-symlink', 'broken symlink (target missing)')).toBe('broken symlink · target missing');
    expect(shown('symlink-loop', 'symlink loop: leads back to a, already scanned')).toBe('symlink loop · leads back to a, already scanned');
    expect(shown('unreadable', 'cannot be read (EACCES)')).toBe('unreadable · EACCES');
    expect(shown('too-large', 'file too large (300 MiB)')).toBe('too large · 300 MiB');
    expect(shown('cross-class-duplicate', 'the same image as cats/a.png: kept in class “cats” only')).toBe(
      'duplicate across classes · the same image as cats/a.png: kept in class “cats” only',
    );
    expect(skippedBreakdown(new Map([['duplicate', 3], ['cross-class-duplicate', 2]]))).toBe('3 duplicates, 2 duplicates across classes');
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
