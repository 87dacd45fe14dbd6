/**
 * Checks the new-run form and the live-parameter form with the very schemas main enforces, and
 * turns zod issues into messages per form field, so a bad setting is named next to its input
 * before anything is sent.
 */
import type { z } from 'zod';
import { trainConfigSchema, type TrainConfig } from '../../../src-main/api/train-config';
import { liveParamsSchema, type LiveParamsShape } from '../../../src-main/api/training';

/** Number inputs bind to null or undefined while empty, so drafts are looser than the schema. */
export type Draft<T> = {
  [K in keyof T]: T[K] extends number ? number | null | undefined : T[K] extends object ? Draft<T[K]> : T[K];
};
export type ConfigDraft = Draft<TrainConfig>;
export type LiveDraft = Draft<LiveParamsShape>;

/** Form fields by their path in TrainConfig / LiveParams, with the names the form shows. */
export const fieldLabels: Record<string, string> = {
  'loss.kind': 'Loss',
  'model.dNorm': 'Critic normalisation',
  steps: 'Steps',
  batchSize: 'Batch size',
  nCritic: 'n_critic',
  'optimizer.gLr': 'G learning rate',
  'optimizer.dLr': 'D learning rate',
  'loss.labelSmoothing': 'Label smoothing',
  emaDecay: 'EMA decay',
  seed: 'Seed',
  sampleEvery: 'Sample every',
  checkpointEvery: 'Checkpoint every',
  gLr: 'G learning rate',
  dLr: 'D learning rate',
  labelSmoothing: 'Label smoothing',
};

export type FieldErrors = Record<string, string>;
export type Checked<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors; issues: string[] };

// Empty inputs arrive as null/undefined; "expected number, received null" says it like a parser.
const friendly: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && (issue.input === null || issue.input === undefined) ? 'Enter a number' : undefined;

function check<T>(schema: z.ZodType<T>, draft: unknown): Checked<T> {
  const parsed = schema.safeParse(draft, { error: friendly });
  if (parsed.success) return { ok: true, value: parsed.data };
  const fieldErrors: FieldErrors = {};
  const issues: string[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.join('.');
    fieldErrors[path] ??= issue.message;
    issues.push(`${fieldLabels[path] ?? (path || 'Settings')}: ${issue.message}`);
  }
  return { ok: false, fieldErrors, issues };
}

export function checkConfig(draft: ConfigDraft): Checked<TrainConfig> {
  return check(trainConfigSchema, draft);
}

/**
 * The live parameters that differ from what is in effect, validated. An empty object means there
 * is nothing to apply.
 */
export function checkLiveChanges(draft: LiveDraft, current: LiveParamsShape): Checked<Partial<LiveParamsShape>> {
  const checked = check(liveParamsSchema, draft);
  if (!checked.ok) return checked;
  const changes: Partial<LiveParamsShape> = {};
  for (const key of Object.keys(current) as (keyof LiveParamsShape)[]) {
    if (checked.value[key] !== current[key]) changes[key] = checked.value[key];
  }
  return { ok: true, value: changes };
}
