import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
/**
 * Number flags, read one way by every command. parseArgs gives strings, and Number('') is 0, so an
 * empty value (`--seed ''`, a shell variable that was never set) would silently become 0. Here it is
 * NaN, which the schema or range check after it refuses with the flag's name.
 */

/** A number flag's value; an empty or blank one is NaN. */
export function flagNumber(value: string | boolean): number {
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
}

/** An optional number flag: undefined when it was not given, otherwise flagNumber's reading. */
export function optionalFlagNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : flagNumber(value);
}

/** A whole number from min to max, or an error that names the flag, the range and what was given. */
export function wholeFlag(name: string, value: string, min: number, max: number, hint = ''): number {
  const n = flagNumber(value);
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    throw new Error(`--${name} takes a whole number from ${min} to ${max} (got "${value}")${hint ? `; ${hint}` : ''}`);
  }
  return n;
}

/**
 * parseArgs, refusing a flag given an empty value (`--resume ''`, `--project "$UNSET"`): read as
 * given it would quietly mean something else (a new run instead of a resume, the current folder as
 * the project, a seed of 0).
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new Error(flagError(err as NodeJS.ErrnoException));
  }
  for (const [name, value] of Object.entries(parsed.values as Record<string, unknown>)) {
    const given = Array.isArray(value) ? value : [value];
    if (given.some((v) => typeof v === 'string' && v.trim() === '')) throw new Error(`--${name} is empty: give it a value, or leave it out`);
  }
  return parsed;
}

/** parseArgs' messages in the CLI's words: which flag, and what to do (they speak of "positionals" and "-XYZ"). */
function flagError(err: NodeJS.ErrnoException): string {
  const flag = /'(--?[^' ]+)/.exec(err.message)?.[1] ?? 'an option';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown option ${flag}: --help lists this command's options`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(err.message)) {
    return `${flag} needs a value; one that starts with "-" goes after "=", as in ${flag}=-5`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /missing/.test(err.message)) return `${flag} needs a value`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `Unexpected argument ${/'([^']+)'/.exec(err.message)?.[1] ?? ''}: --help lists this command's options`;
  return err.message;
}

/**
 * A schema's complaints about the options, each named by the flag that set the value ("--n: Too
 * small…", not "source.count: Too small…"); `flags` maps a field's path (or a prefix of it) to its flag.
 */
export function invalidOptions(error: z.ZodError, flags: Readonly<Record<string, string>>): Error {
  const lines = error.issues.map((issue) => {
    const path = issue.path.join('.');
    const prefix = Object.keys(flags)
      .filter((p) => path === p || path.startsWith(`${p}.`))
      .sort((a, b) => b.length - a.length)[0];
    return `${prefix !== undefined ? flags[prefix] : path || 'options'}: ${issue.message}`;
  });
  return new Error(`Invalid options:\n  ${lines.join('\n  ')}`);
}
