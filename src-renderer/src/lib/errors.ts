import { StudioError } from '../../../src-main/api/rpc';

/** What an alert region shows: one sentence plus, for invalid requests, the offending fields. */
export interface ErrorInfo {
  message: string;
  issues: string[];
}

export function describeError(err: unknown): ErrorInfo {
  if (err instanceof StudioError) return { message: err.message, issues: err.issues ?? [] };
  return { message: err instanceof Error ? err.message : String(err), issues: [] };
}
