/**
 * Checks the training forms with the very checks main and the engine apply (the shared review of
 * src-main/shared/model-design/review.ts for configs, the live-parameter schema for running runs) and
 * turns them into messages per form field, so a bad setting is named next to its input before
 * anything is sent.
 */
import type { TrainConfig } from '../../../src-main/api/train-config';
import { liveParamsSchema, type LiveParamsShape } from '../../../src-main/api/training';
import { describeFinding, fieldLabels, friendly, reviewConfig, type ReviewContext } from '../../../src-main/shared/model-design/review';

/** Number inputs bind to null or undefined while empty, so drafts are looser than the schema. */
export type Draft<T> = {
  [K in keyof T]: T[K] extends number ? number | null | undefined : T[K] extends object ? Draft<T[K]> : T[K];
};
export type ConfigDraft = Draft<TrainConfig>;
export type LiveDraft = Draft<LiveParamsShape>;

export { fieldLabels };

export type FieldErrors = Record<string, string>;
export type Checked<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors; issues: string[] };

/** A config form's state: what blocks training (errors) and what it should know (warnings), per field and as lines. */
export interface FormReview {
  ok: boolean;
  value: TrainConfig | null;
  fieldErrors: FieldErrors;
  fieldWarnings: FieldErrors;
  errors: string[];
  warnings: string[];
}

export function reviewDraft(draft: ConfigDraft, context: ReviewContext = {}): FormReview {
  const review = reviewConfig(draft, context);
  const out: FormReview = { ok: review.ok, value: review.config, fieldErrors: {}, fieldWarnings: {}, errors: [], warnings: [] };
  for (const finding of review.findings) {
    const byField = finding.severity === 'error' ? out.fieldErrors : out.fieldWarnings;
    byField[finding.path] ??= finding.message;
    (finding.severity === 'error' ? out.errors : out.warnings).push(describeFinding(finding));
  }
  return out;
}

const liveLabels: Record<keyof LiveParamsShape, string> = {
  gLr: 'G learning rate',
  dLr: 'D learning rate',
  nCritic: 'n_critic',
  labelSmoothing: 'Label smoothing',
};

/**
 * The live parameters that differ from what is in effect, validated. An empty object means there
 * is nothing to apply.
 */
export function checkLiveChanges(draft: LiveDraft, current: LiveParamsShape): Checked<Partial<LiveParamsShape>> {
  const parsed = liveParamsSchema.safeParse(draft, { error: friendly });
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    const issues: string[] = [];
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      fieldErrors[path] ??= issue.message;
      issues.push(`${liveLabels[path as keyof LiveParamsShape] ?? (path || 'Settings')}: ${issue.message}`);
    }
    return { ok: false, fieldErrors, issues };
  }
  const changes: Partial<LiveParamsShape> = {};
  for (const key of Object.keys(current) as (keyof LiveParamsShape)[]) {
    if (parsed.data[key] !== current[key]) changes[key] = parsed.data[key];
  }
  return { ok: true, value: changes };
}
