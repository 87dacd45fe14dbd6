/**
 * Other runs of the project laid over the open one's charts (each with its own dash pattern), with
 * their configs beside, so "what did changing the learning rate do?" is answered by looking rather
 * than by memory.
 */
import type { TrainConfig } from '../../../../src-main/api/train-config';
import type { StudioApi } from '../../../../src-main/api/contract';
import { describeError, type ErrorInfo } from '../errors';
import { MetricSeries } from '../metric-series';

/** More lines than this per chart stop being readable. */
export const MAX_COMPARED = 3;
/** One pattern per compared run, in the order they were added (the open run is solid). */
export const comparisonDashes: readonly (readonly number[])[] = [
  [6, 4],
  [2, 3],
  [12, 4, 2, 4],
];

export interface ComparedRun {
  runId: string;
  config: TrainConfig;
  /** Plain, like the open run's series: charts hold the arrays. */
  series: MetricSeries;
  dash: readonly number[];
}

export class RunComparison {
  runs = $state.raw<ComparedRun[]>([]);
  /** Bumped when the overlaid series change: charts re-key on it. */
  key = $state(0);
  loading = $state<string | null>(null);
  error = $state<ErrorInfo | null>(null);

  constructor(private readonly client: StudioApi) {}

  has(runId: string): boolean {
    return this.runs.some((run) => run.runId === runId);
  }

  get full(): boolean {
    return this.runs.length >= MAX_COMPARED;
  }

  async add(runId: string): Promise<void> {
    if (this.has(runId) || this.full || this.loading) return;
    this.error = null;
    this.loading = runId;
    try {
      const { config, points } = await this.client.request('runs.metrics', { runId });
      const series = new MetricSeries();
      series.append(points);
      // The first free pattern, so removing a run does not restyle the others.
      const used = new Set(this.runs.map((run) => run.dash));
      const dash = comparisonDashes.find((d) => !used.has(d)) ?? comparisonDashes[0]!;
      this.runs = [...this.runs, { runId, config, series, dash }];
      this.key++;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.loading = null;
    }
  }

  remove(runId: string): void {
    if (!this.has(runId)) return;
    this.runs = this.runs.filter((run) => run.runId !== runId);
    this.key++;
  }

  /** Drops runs that are gone (deleted) or became the open one. */
  keepOnly(runIds: ReadonlySet<string>): void {
    if (this.runs.every((run) => runIds.has(run.runId))) return;
    this.runs = this.runs.filter((run) => runIds.has(run.runId));
    this.key++;
  }
}
