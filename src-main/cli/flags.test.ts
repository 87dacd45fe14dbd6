/** Number flags: an empty value is refused by name in every command, never read as 0. */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagNumber, optionalFlagNumber, wholeFlag } from './flags';
import { runCli } from '../test-support/cli';

describe('number flags', () => {
  it('read numbers, and empty or blank values as NaN rather than 0', () => {
    expect(flagNumber('7')).toBe(7);
    expect(flagNumber(' 0.5 ')).toBe(0.5);
    expect(flagNumber('0')).toBe(0);
    expect(flagNumber('')).toBeNaN();
    expect(flagNumber('  ')).toBeNaN();
    expect(flagNumber(true)).toBeNaN();
    expect(optionalFlagNumber(undefined)).toBeUndefined();
    expect(optionalFlagNumber('')).toBeNaN();
  });

  it('take whole numbers in range and name the flag, the range and the value otherwise', () => {
    expect(wholeFlag('port', '0', 0, 65535)).toBe(0);
    expect(wholeFlag('port', '8765', 0, 65535)).toBe(8765);
    for (const bad of ['', '1.5', '-1', '65536', 'http']) {
      expect(() => wholeFlag('port', bad, 0, 65535, '0 picks a free port')).toThrow(`--port takes a whole number from 0 to 65535 (got "${bad}"); 0 picks a free port`);
    }
  });

  it('refuses an empty value in each command before it touches anything', async () => {
    const nowhere = join(tmpdir(), 'gan-flags-no-such-run');
    const cases: [string[], RegExp][] = [
      [['sample', '--run', nowhere, '--out', join(nowhere, 'x.png'), '--seed', ''], /--seed must be an integer/],
      [['eval', '--run', nowhere, '--seed', ''], /Invalid options:\n\s+seed:/],
      [['export', 'grid', '--run', nowhere, '--n', ''], /Invalid options:\n\s+source\.count:/],
      [['import', nowhere, '--width', ''], /Invalid options:\n\s+width:/],
      [['serve', '--port', ''], /--port takes a whole number from 0 to 65535 \(got ""\)/],
      [['train', '--clusters', ''], /--clusters takes a whole number from 2 to 100 \(got ""\)/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr, args.join(' ')).toMatch(message);
    }
  }, 120_000);
});
