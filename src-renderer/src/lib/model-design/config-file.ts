/**
 * Config files the user brings in (import) or takes away (export): the bare TrainConfig as JSON,
 * the format the app saves in configs/ and `gan-studio train --config` reads. Imports are checked
 * with the engine's schema, field by field, before main checks them again on save.
 */
import { configNameSchema } from '../../../../src-main/api/model-design';
import type { TrainConfig } from '../../../../src-main/api/train-config';
import { describeFinding, reviewConfig } from '../../../../src-main/shared/model-design/review';

export type ParsedConfigFile = { ok: true; name: string; config: TrainConfig } | { ok: false; message: string; issues: string[] };

export function parseConfigFile(text: string, fileName: string, taken: readonly string[]): ParsedConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${fileName} is not JSON.`, issues: [(err as Error).message] };
  }
  const review = reviewConfig(json);
  if (!review.config) {
    return { ok: false, message: `${fileName} is not a training config GAN Studio can use:`, issues: review.findings.map(describeFinding) };
  }
  return { ok: true, name: uniqueName(nameFromFile(fileName), taken), config: review.config };
}

/** "My run (v2).json" → "My run (v2)"; characters a config name cannot hold become "-". */
export function nameFromFile(fileName: string): string {
  const base = fileName
    .replace(/\.json$/i, '')
    .replace(/[^\p{L}\p{N} _.,()+-]+/gu, '-')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}_)]+$/gu, '')
    .slice(0, 56);
  return configNameSchema.safeParse(base).success ? base : 'Imported config';
}

/** `name`, or `name (2)`, `name (3)`… — the first not taken (case-insensitively, like the files). */
export function uniqueName(name: string, taken: readonly string[]): string {
  const used = new Set(taken.map((t) => t.toLocaleLowerCase('en-US')));
  if (!used.has(name.toLocaleLowerCase('en-US'))) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name} (${i})`;
    if (!used.has(candidate.toLocaleLowerCase('en-US'))) return candidate;
  }
}

export function configFileText(config: TrainConfig): string {
  return JSON.stringify(config, null, 2) + '\n';
}

/** "Digits DCGAN" → "digits-dcgan.json". */
export function configFileName(name: string): string {
  return `${name.toLocaleLowerCase('en-US').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'config'}.json`;
}
