/** Number flags: an empty value is refused by name in every command, never read as 0. */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { flagNumber, invalidOptions, optionalFlagNumber, parseFlags, wholeFlag } from './flags';
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

  it('refuses an empty value in each command before it touches anything, naming the flag', async () => {
    const nowhere = join(tmpdir(), 'gan-flags-no-such-run');
    const cases: string[][] = [
      ['sample', '--run', nowhere, '--out', join(nowhere, 'x.png'), '--seed', ''],
      ['eval', '--run', nowhere, '--seed', ''],
      ['export', 'grid', '--run', nowhere, '--psi', ''],
      ['import', nowhere, '--width', ''],
      ['serve', '--port', ''],
      ['train', '--resume', ''],
      ['train', '--project', ' '],
      ['metrics', '--run', ''],
    ];
    for (const args of cases) {
      const { code, stderr } = await runCli(args);
      const flag = args[args.findIndex((a) => a.trim() === '') - 1]!;
      expect(code, args.join(' ')).toBe(1);
      expect(stderr, args.join(' ')).toContain(`gan-studio: ${flag} is empty: give it a value, or leave it out`);
    }
    // A value that is there but not a number is refused by the flag's own check.
    const port = await runCli(['serve', '--port', '70000']);
    expect(port.stderr).toMatch(/--port takes a whole number from 0 to 65535 \(got "70000"\)/);
  }, 120_000);
});

describe('flag messages', () => {
  const options = { steps: { type: 'string' as const } };
  const refusal = (args: string[]) => {
    try {
      parseFlags({ args, options });
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('say which flag and what to do, in the CLI’s words', () => {
    expect(refusal(['--steps', '-5'])).toBe('--steps needs a value; one that starts with "-" goes after "=", as in --steps=-5');
    expect(refusal(['--steps'])).toBe('--steps needs a value');
    expect(refusal(['--dataset', 'x'])).toBe("Unknown option --dataset: --help lists this command's options");
    expect(refusal(['extra'])).toBe("Unexpected argument extra: --help lists this command's options");
    expect(parseFlags({ args: ['--steps=-5'], options }).values.steps).toBe('-5');
  });

  it('name a schema’s complaint by the flag that set the value', () => {
    const schema = z.object({ source: z.object({ count: z.number().min(1), truncation: z.object({ psi: z.number().max(1) }) }), other: z.string() });
    const parsed = schema.safeParse({ source: { count: 0, truncation: { psi: 2 } }, other: 1 });
    const message = invalidOptions(parsed.error!, { 'source.count': '--n', source: '--seed', 'source.truncation.psi': '--psi' }).message;
    expect(message.split('\n')).toEqual(['Invalid options:', '  --n: Too small: expected number to be >=1', '  --psi: Too big: expected number to be <=1', '  other: Invalid input: expected string, received number']);
  });
});
