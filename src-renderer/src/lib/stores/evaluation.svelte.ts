/**
 * The Evaluate view's state: which checkpoints (across runs) are picked, the settings, the running
 * job with its progress, and the saved results. One store per client for the app's lifetime, so
 * an evaluation keeps reporting while other views show.
 */
import type { CheckpointInfoShape, RunSummary } from '../../../../src-main/api/projects';
import {
  evaluationSettingsSchema,
  type EvalProgress,
  type EvaluationRecord,
  type ExtractorKindName,
  type ExtractorsInfo,
  type MetricRequest,
} from '../../../../src-main/api/evaluation';
import { formatIssues } from '../../../../src-main/api/rpc';
import { describeError } from '../errors';
import type { StudioClient } from '../transport';
import { createTask } from '../task.svelte';
import { toCsv } from '../evaluation/report';
import { downloadText } from '../import-report';
import { defineStore } from './app-lifetime.svelte';

export interface RunCheckpoints {
  loading: boolean;
  error: string | null;
  checkpoints: CheckpointInfoShape[];
}

export const checkpointKey = (runId: string, file: string) => `${runId}/${file}`;

export class EvaluationStore {
  runs = $state.raw<RunSummary[]>([]);
  checkpoints = $state<Record<string, RunCheckpoints>>({});
  /** checkpointKey()s, in the order they were picked. */
  selected = $state<string[]>([]);
  metrics = $state<MetricRequest[]>(['kid', 'pr']);
  samples = $state<number | null | undefined>(1000);
  /** Draws per checkpoint (medians and range over them). */
  repeats = $state<number | null | undefined>(1);
  extractor = $state<ExtractorKindName>('classifier');
  extractors = $state.raw<ExtractorsInfo | null>(null);

  /** The evaluation under way: its progress, Cancel and error (also a refused form's, a failed read's). */
  readonly task = createTask<EvalProgress>(() => this.client.request('eval.cancel', {}));
  /** Saved evaluations of the project, newest first. */
  results = $state.raw<EvaluationRecord[]>([]);
  /** Ids of the results of the latest job, shown highlighted. */
  latest = $state.raw<string[]>([]);
  importing = $state(false);
  /** The model download under way (eval.modelDownload), shown beside the Download button. */
  download = $state.raw<{ file: string; index: number; count: number; bytes: number; total: number | null } | null>(null);

  constructor(private readonly client: StudioClient) {}

  start(): () => void {
    const offs = [
      this.client.on('eval.progress', (progress) => this.task.report(progress)),
      this.client.on('eval.modelDownload', (progress) => {
        if (this.importing) this.download = progress;
      }),
      this.client.on('project.changed', ({ runs }) => {
        this.runs = runs;
        void this.loadResults();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Re-reads the project's runs, saved results and extractors (when the view opens). */
  async refresh(): Promise<void> {
    try {
      const state = await this.client.request('project.current', {});
      this.runs = state.runs;
    } catch (err) {
      this.task.error = describeError(err);
      return;
    }
    await Promise.all([this.loadResults(), this.loadExtractors()]);
    // The newest checkpoint of the newest runs is what people usually compare.
    for (const run of this.runs.slice(0, 4)) if (run.lastCheckpointStep !== null) void this.loadCheckpoints(run.runId);
  }

  async loadResults(): Promise<void> {
    try {
      this.results = (await this.client.request('eval.list', {})).results;
    } catch (err) {
      this.task.error = describeError(err);
    }
  }

  async loadExtractors(): Promise<void> {
    try {
      this.extractors = await this.client.request('eval.extractors', {});
    } catch {
      // Shown as "unknown" in the note; evaluation itself reports a missing extractor precisely.
    }
  }

  async loadCheckpoints(runId: string): Promise<void> {
    if (this.checkpoints[runId]?.loading) return;
    this.checkpoints[runId] = { loading: true, error: null, checkpoints: this.checkpoints[runId]?.checkpoints ?? [] };
    try {
      const { checkpoints } = await this.client.request('runs.checkpoints', { runId });
      this.checkpoints[runId] = { loading: false, error: null, checkpoints };
    } catch (err) {
      this.checkpoints[runId] = { loading: false, error: describeError(err).message, checkpoints: [] };
    }
  }

  toggle(runId: string, file: string): void {
    const key = checkpointKey(runId, file);
    this.selected = this.selected.includes(key) ? this.selected.filter((k) => k !== key) : [...this.selected, key];
  }

  toggleMetric(metric: MetricRequest): void {
    this.metrics = this.metrics.includes(metric) ? this.metrics.filter((m) => m !== metric) : [...this.metrics, metric];
  }

  async run(): Promise<void> {
    if (this.task.running) return;
    const parsed = evaluationSettingsSchema.safeParse({ metrics: $state.snapshot(this.metrics), samples: this.samples, extractor: this.extractor, repeats: this.repeats });
    if (!parsed.success) {
      this.task.error = { message: 'Some settings are out of range.', issues: formatIssues(parsed.error) };
      return;
    }
    if (this.selected.length === 0) {
      this.task.error = { message: 'Pick at least one checkpoint to evaluate.', issues: [] };
      return;
    }
    const checkpoints = this.selected.map((key) => {
      const [runId, file] = key.split('/') as [string, string];
      return { runId, file };
    });
    const done = await this.task.run(
      () => this.client.request('eval.run', { ...parsed.data, checkpoints }),
      // Checkpoints evaluated before a failure are saved too; a first run also trained a classifier.
      () => Promise.all([this.loadResults(), this.loadExtractors()]),
    );
    if (!done) return;
    const { results, cancelled } = done.value;
    this.latest = results.map((r) => r.id);
    if (cancelled) this.task.error = { message: `Cancelled after ${results.length} of ${checkpoints.length} checkpoints.`, issues: [] };
  }

  /**
   * The pixel range the imported model expects: [0, 1] for TF-Hub's Inception, [−1, 1] for a
   * Keras-converted one; the wrong one silently skews every FID.
   */
  inceptionRange = $state<'0,1' | '-1,1'>('0,1');

  async importInception(source: { kind: 'dialog' } | { kind: 'url'; url: string; sha256?: string }): Promise<void> {
    if (this.importing) return;
    this.importing = true;
    this.task.error = null;
    try {
      const info = await this.client.request('eval.importExtractor', { source, inputRange: this.inceptionRange });
      if (info) this.extractors = info;
    } catch (err) {
      this.task.error = describeError(err);
    } finally {
      this.importing = false;
      this.download = null;
    }
  }

  /** The shown results as a CSV download. */
  exportCsv(records: readonly EvaluationRecord[]): void {
    downloadText(toCsv(records), `evaluations-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`);
  }
}

/** The window's evaluation store, subscribed on first use. */
export const evaluationStore = defineStore((studio) => {
  const store = new EvaluationStore(studio.client);
  store.start();
  return store;
});
