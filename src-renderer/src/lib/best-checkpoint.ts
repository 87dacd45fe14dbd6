/**
 * Which checkpoint a finished run opens at in the Explore and Gallery views: the one its in-training
 * evaluation scored best (config.evaluation.every > 0), when that is not its newest. Late in a run a
 * checkpoint's KID can swing by ×1.5–2 from one evaluation to the next (README, #20), so the newest
 * is often not the run's best. A run without evaluation marks its final checkpoint best, which is
 * also its newest: it opens at the newest, as before. A run training now is followed at its newest.
 */
import type { CheckpointInfoShape } from '../../../src-main/api/projects';
import type { RunStatusShape } from '../../../src-main/api/training';

export function bestBeforeNewest(checkpoints: readonly CheckpointInfoShape[], trainingNow: boolean): CheckpointInfoShape | null {
  if (trainingNow) return null;
  const best = checkpoints.find((c) => c.best);
  return best && best.file !== checkpoints[0]?.file ? best : null;
}

/** What the view says when it opened a run at its best checkpoint rather than its newest. */
export function openedAtBest(best: CheckpointInfoShape, newest: CheckpointInfoShape | undefined): string {
  const latest = newest ? ` “Latest” is step ${newest.step.toLocaleString('en-US')}.` : '';
  return `Opened at step ${best.step.toLocaleString('en-US')}, the checkpoint this run’s evaluation scored best.${latest}`;
}

/**
 * Whether `runId` is the run training now: running, or paused with steps still to go. A finished
 * run reopened in the Train view is paused at its last step; it has not started training again.
 */
export function trainingNow(status: RunStatusShape | null, runId: string): boolean {
  return status?.runId === runId && (status.state === 'running' || (status.state === 'paused' && status.step < status.steps));
}
