/**
 * Another run of the project laid over the open one's charts (dashed), with its config beside, so
 * "what did changing the learning rate do?" is answered by looking rather than by memory.
 */
import type { TrainConfig } from '../../../src-main/api/train-config';
import type { StudioApi } from '../../../src-main/api/contract';
import { describeError, type ErrorInfo } from './errors';
import { MetricSeries } from './metric-series';

export class RunComparison {
  runId = $state<string | null>(null);
  config = $state.raw<TrainConfig | null>(null);
  /** Bumped when the overlaid series changes: charts re-key on it. */
  key = $state(0);
  loading = $state(false);
  error = $state<ErrorInfo | null>(null);
  /** Plain, like the open run's series: charts hold the arrays. */
  series: MetricSeries | null = null;
  #request = 0;

  constructor(private readonly client: StudioApi) {}

  async select(runId: string | null): Promise<void> {
    const request = ++this.#request;
    this.error = null;
    if (runId === null) {
      this.#set(null, null, null);
      return;
    }
    this.loading = true;
    try {
      const { config, points } = await this.client.request('runs.metrics', { runId });
      if (request !== this.#request) return; // A newer choice won.
      const series = new MetricSeries();
      series.append(points);
      this.#set(runId, config, series);
    } catch (err) {
      if (request === this.#request) this.error = describeError(err);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  #set(runId: string | null, config: TrainConfig | null, series: MetricSeries | null): void {
    this.runId = runId;
    this.config = config;
    this.series = series;
    this.key++;
  }
}
