/** What the status bar says about the engine beyond its state. */
import type { EngineStatus } from '../../../src-main/api/schemas';

/**
 * "The engine stopped (why) and was restarted" once a restarted engine is ready again, until the
 * user dismisses that restart (by its time); null otherwise.
 */
export function restartNotice(status: EngineStatus | null, dismissedAt: string | null): string | null {
  const last = status?.lastRestart;
  if (!last || status.state !== 'ready' || last.at === dismissedAt) return null;
  return `The engine stopped (${last.reason}) and was restarted`;
}
