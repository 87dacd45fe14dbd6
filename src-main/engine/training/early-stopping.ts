/**
 * A run's best in-training evaluation and early stopping's count (config.evaluation): whether an
 * evaluation is a new best, and when `patience` evaluations in a row have not been one. Restored
 * from metrics.jsonl (evalStandingAt) on every reopen, resume and rollback.
 */
import type { TrainConfig } from '../../api/train-config';
import type { EvalStanding } from '../evaluation/in-training';
import { earlyStopMessage } from '../../project/run-end';

export class BestEvaluation {
  /** Lowest in-training KID/FID so far (lower is better for both); its checkpoint is the run's best. */
  best: number | null = null;
  bestStep: number | null = null;
  /** Evaluations since the best one. */
  sinceBest = 0;
  /** The patience ran out before the run's last step: the run should end now. */
  exhausted = false;

  constructor(private readonly config: Pick<TrainConfig, 'evaluation' | 'steps'>) {}

  /** Records an evaluation at `step`; true when it is the run's new best. */
  observe(step: number, value: number): boolean {
    const isBest = this.best === null || value < this.best;
    if (isBest) {
      this.best = value;
      this.bestStep = step;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
    }
    // Not at the last step: a run that trained all its steps did not stop early.
    const { patience } = this.config.evaluation;
    if (patience > 0 && this.sinceBest >= patience && step < this.config.steps) this.exhausted = true;
    return isBest;
  }

  restore(standing: EvalStanding): void {
    this.best = standing.best;
    this.bestStep = standing.bestStep;
    this.sinceBest = standing.sinceBest;
    this.exhausted = false;
  }

  /** Why the run ended early at `step`, in the words the Train view, the CLI and ended.json use. */
  endMessage(step: number): string {
    const { patience, metric } = this.config.evaluation;
    return earlyStopMessage(step, patience, metric, this.bestStep);
  }
}
