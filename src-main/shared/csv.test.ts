import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from './csv';

describe('CSV cells', () => {
  it('quote what needs quoting and keep spreadsheet formulas as text', () => {
    expect(csvCell('cats')).toBe('cats');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
    expect(csvText([['a', 1], ['b', null]])).toBe('a,1\r\nb,\r\n');
  });
});
