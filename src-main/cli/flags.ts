import { parseArgs, type ParseArgsConfig } from 'node:util';
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
  const parsed = parseArgs(config);
  for (const [name, value] of Object.entries(parsed.values as Record<string, unknown>)) {
    const given = Array.isArray(value) ? value : [value];
    if (given.some((v) => typeof v === 'string' && v.trim() === '')) throw new Error(`--${name} is empty: give it a value, or leave it out`);
  }
  return parsed;
}
