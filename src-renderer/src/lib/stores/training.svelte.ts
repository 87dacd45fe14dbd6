/**
 * The training run as the renderer sees it: its status, the streamed metrics, the sample grids,
 * timing, and the requests that steer it. Subscribed for the app's lifetime (not the Train view's),
 * so switching views neither loses chart points nor misses a divergence.
 */
import type { TrainConfig } from '../../../../src-main/api/train-config';
import { liveParamsOf, type CoachWarningShape, type DatasetRef, type LiveParamsShape, type RunStatusShape, type StepPoint } from '../../../../src-main/api/training';
import { paramMarkers } from '../param-markers';
import { RunComparison } from './compare.svelte';
import { describeError, type ErrorInfo } from '../errors';
import { pngDataUrl } from '../format';
import { MetricSeries } from '../metric-series';
import { RateMeter, RunClock } from '../run-timing';
import { addFrame, type Frame } from '../timelapse';
import { checkLiveChanges, type FieldErrors, type LiveDraft } from '../train-validation';
import type { StudioClient } from '../transport';
import type { RunSummary } from '../../../../src-main/api/projects';
import { EvalSeries } from '../evaluation/eval-series';
import { metricsCsv } from '../../../../src-main/shared/metrics-csv';
import { downloadText } from '../import-report';

export type RunStatus = RunStatusShape;
export type ControlAction = 'pause' | 'resume' | 'stop' | 'checkpoint' | 'rollback';
/** Halving the learning rates is the usual first remedy for a run that diverged. */
export const ROLLBACK_LR_FACTOR = 0.5;

export class LiveForm {
  draft = $state<LiveDraft>({ gLr: null, dLr: null, nCritic: null, labelSmoothing: null });
  errors = $state<FieldErrors>({});
  #shown: RunStatus['live'] | null = null;

  /** Follows what is in effect, unless the user has edited the fields since. */
  follow(live: RunStatus['live']): void {
    const d = this.draft;
    const untouched = !this.#shown || (Object.keys(live) as (keyof typeof live)[]).every((k) => d[k] === this.#shown![k]);
    this.#shown = { ...live };
    if (untouched) {
      this.draft = { ...live };
      this.errors = {};
    }
  }

  dirty(live: RunStatus['live']): boolean {
    return (Object.keys(live) as (keyof typeof live)[]).some((k) => this.draft[k] !== live[k]);
  }
}

export class TrainingStore {
  status = $state<RunStatus | null>(null);
  /** Newest step seen; metrics run ahead of status events, which only come on state changes. */
  step = $state(0);
  /** Bumped per metrics batch: charts redraw from `series` when it moves. */
  version = $state(0);
  /** Bumped when a new run replaces the charted one, so charts rebuild around its arrays. */
  runKey = $state(0);
  frames = $state.raw<Frame[]>([]);
  /** The open run's config when this window started it (RunStatus does not carry it). */
  config = $state.raw<TrainConfig | null>(null);
  /** Changes made while the open run trained (from its history, then live): the charts mark them. */
  paramChanges = $state.raw<{ step: number; live: LiveParamsShape }[]>([]);
  readonly markers = $derived(this.config ? paramMarkers(liveParamsOf(this.config), this.paramChanges) : []);
  pending = $state<ControlAction | 'start' | 'update' | null>(null);
  error = $state<ErrorInfo | null>(null);
  /** Chart settings, kept here so they survive switching views. */
  smoothing = $state(0.6);
  logLoss = $state(false);
  logGrad = $state(false);

  /** The coach's warnings for the charted run, oldest first. */
  warnings = $state.raw<CoachWarningShape[]>([]);
  /**
   * Where a clicked warning points: the timeline jumps to `step` and the charts zoom to `range`.
   * A new object per click, so clicking the same warning twice jumps back after the user moved on.
   */
  focus = $state.raw<{ step: number; range: { min: number; max: number } } | null>(null);
  /** The open project's runs, newest first, for reopening. */
  runs = $state.raw<RunSummary[]>([]);

  readonly live = new LiveForm();
  /** Plain arrays, deliberately not reactive (see MetricSeries). */
  series = new MetricSeries();
  /** In-training evaluations (config.evaluation.every > 0), plain like `series`; evalVersion says when it grew. */
  evalSeries = new EvalSeries();
  evalVersion = $state(0);
  readonly clock = new RunClock();
  readonly rate = new RateMeter();

  /** Shows the steps from `since` (where a problem started) to `step` (where it was reported). */
  focusOn(since: number, step: number): void {
    const margin = Math.max(20, Math.round((step - since) / 2));
    this.focus = { step: since, range: { min: Math.max(0, since - margin), max: step + margin } };
  }

  readonly active = $derived(this.status?.state === 'running' || this.status?.state === 'paused');
  #runId: string | null = null;
  #starting: { config: TrainConfig; at: number } | null = null;
  #statusEvents = 0;
  /** Live points that arrive while a run's history is loading, replayed on top of it. */
  #backlog: StepPoint[] | null = null;

  /** Other runs overlaid on the charts (the compare menu and the runs table share it; it outlives the view). */
  readonly comparison: RunComparison;

  constructor(private readonly client: StudioClient) {
    this.comparison = new RunComparison(client);
  }

  /** Subscribes to the run's events; returns the teardown. */
  start(): () => void {
    const offs = [
      this.client.on('train.status', (status) => {
        this.#statusEvents++;
        this.#applyStatus(status);
      }),
      this.client.on('train.metrics', ({ runId, points }) => this.#onMetrics(runId, points)),
      this.client.on('project.changed', ({ runs }) => (this.runs = runs)),
      this.client.on('train.coach', ({ runId, warning }) => {
        this.#adopt(runId, false);
        this.warnings = [...this.warnings, warning];
      }),
      this.client.on('eval.training', ({ runId, point }) => {
        this.#adopt(runId, false);
        this.evalSeries.append([point]);
        this.evalVersion++;
      }),
      this.client.on('train.samples', ({ runId, step, image }) => {
        this.#adopt(runId, false);
        this.frames = addFrame(this.frames, { step, url: pngDataUrl(image.pngBase64), width: image.width, height: image.height });
        this.clock.markGrid(performance.now());
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /**
   * Re-reads the engine's run: when the Train view opens, the connection comes back or the engine
   * (re)starts. Failures are left to the status bar, which already says the engine is unreachable;
   * the next engine 'ready' tries again.
   */
  async refresh(): Promise<void> {
    const seen = this.#statusEvents;
    let status: RunStatus | null;
    try {
      status = await this.client.request('train.status', {});
    } catch {
      return;
    }
    void this.client.request('project.current', {}).then(
      ({ runs }) => (this.runs = runs),
      () => undefined,
    );
    if (seen !== this.#statusEvents) return;
    if (status) this.#applyStatus(status);
    // A restarted engine has no run open; the charts of the lost one stay until the next run.
    else if (this.active) this.status = null;
  }

  /** Starts a run of a config the Model view's review has already passed; the engine checks it again. */
  async startRun(config: TrainConfig, dataset: DatasetRef): Promise<void> {
    if (this.pending) return;
    this.pending = 'start';
    this.error = null;
    this.#starting = { config, at: performance.now() };
    try {
      this.#applyStatus(await this.client.request('train.start', { config, dataset }));
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.#starting = null;
      this.pending = null;
    }
  }

  async control(action: ControlAction): Promise<void> {
    if (this.pending) return;
    this.pending = action;
    this.error = null;
    try {
      const input = action === 'rollback' ? { action, lrFactor: ROLLBACK_LR_FACTOR } : { action };
      this.#applyStatus(await this.client.request('train.control', input));
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.pending = null;
    }
  }

  /** Reopens a run of the project at its newest checkpoint, paused, with its charts and grids. */
  async openRun(runId: string): Promise<void> {
    if (this.pending) return;
    this.pending = 'start';
    this.error = null;
    try {
      const { status, skipped, warnings } = await this.client.request('runs.open', { runId });
      this.#applyStatus(status);
      // Said before Resume is pressed: a changed dataset, checkpoints passed over.
      const said = [...warnings, ...(skipped.length ? [`Passed over checkpoints that cannot be resumed: ${skipped.join('; ')}`] : [])];
      if (said.length) this.error = { message: said.join(' '), issues: [] };
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.pending = null;
    }
  }

  togglePause(): void {
    if (this.status?.state === 'running') void this.control('pause');
    else if (this.status?.state === 'paused') void this.control('resume');
  }

  async applyLive(): Promise<void> {
    const live = this.status?.live;
    if (!live || this.pending) return;
    const checked = checkLiveChanges($state.snapshot(this.live.draft) as LiveDraft, live);
    this.live.errors = checked.ok ? {} : checked.fieldErrors;
    if (!checked.ok || Object.keys(checked.value).length === 0) return;
    this.pending = 'update';
    this.error = null;
    try {
      // What was sent is now the baseline, so the status reply may replace the draft.
      const status = await this.client.request('train.update', checked.value);
      this.live.draft = { ...status.live };
      this.#applyStatus(status);
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.pending = null;
    }
  }

  #applyStatus(status: RunStatus): void {
    const now = performance.now();
    const previous = this.status?.runId === status.runId ? this.status.state : null;
    this.#adopt(status.runId, status.step === 0);
    // Time paused says nothing about speed: measure afresh after every resume.
    if (status.state === 'running' && previous !== 'running') this.rate.reset();
    this.clock.setRunning(status.state === 'running', now);
    const before = this.status?.runId === status.runId ? this.status.live : null;
    if (before && JSON.stringify(before) !== JSON.stringify(status.live)) this.paramChanges = [...this.paramChanges, { step: status.step, live: status.live }];
    this.status = status;
    this.step = status.step;
    this.live.follow(status.live);
  }

  /**
   * The open run's metrics.jsonl as CSV, every logged step (read from the run's folder, not the
   * thinned chart series): the same file `gan-studio metrics --csv` writes.
   */
  async downloadMetricsCsv(): Promise<void> {
    const runId = this.status?.runId;
    if (!runId) return;
    try {
      const { points } = await this.client.request('runs.metrics', { runId });
      downloadText(metricsCsv(points), `${runId}-metrics.csv`);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  #onMetrics(runId: string, points: StepPoint[]): void {
    if (points.length === 0) return;
    this.#adopt(runId, false);
    if (this.#backlog) this.#backlog.push(...points);
    this.series.append(points);
    this.step = points.at(-1)!.step;
    this.rate.add(this.step, performance.now());
    this.version++;
  }

  /** Resets the charts, grids and clock when events start coming from a run not yet shown. */
  #adopt(runId: string, fresh: boolean): void {
    if (runId === this.#runId) return;
    this.#runId = runId;
    const starting = this.#starting;
    this.series = new MetricSeries();
    this.evalSeries = new EvalSeries();
    this.frames = [];
    this.warnings = [];
    this.paramChanges = [];
    this.rate.reset();
    this.clock.begin(starting?.at ?? performance.now(), fresh || starting !== null);
    this.config = starting?.config ?? null;
    this.step = 0;
    this.error = null;
    this.runKey++;
    this.focus = null;
    // A run this window did not start (reopened, or started before the window opened): fetch its past.
    if (!starting && !fresh) void this.#loadHistory(runId);
  }

  /** The run's logged evaluations, with any that streamed in meanwhile on top. */
  async #loadEvaluations(runId: string): Promise<void> {
    const logged = await this.client.request('eval.trainingPoints', { runId }).then((r) => r.points, () => []);
    if (this.#runId !== runId || logged.length === 0) return;
    const series = new EvalSeries();
    series.append(logged);
    series.append(this.evalSeries.points.filter((p) => p.step > logged.at(-1)!.step));
    this.evalSeries = series;
    this.evalVersion++;
  }

  async #loadHistory(runId: string): Promise<void> {
    this.#backlog = [];
    try {
      const history = await this.client.request('train.history', {});
      if (!history || history.runId !== runId || this.#runId !== runId) return;
      const series = new MetricSeries();
      series.append(history.points);
      const last = history.points.at(-1)?.step ?? 0;
      const newer = this.#backlog.filter((p) => p.step > last);
      if (newer.length) series.append(newer);
      this.series = series;
      this.config = history.config;
      this.warnings = [...history.warnings, ...this.warnings.filter((w) => w.step > last)];
      const loggedChanges = history.paramChanges ?? [];
      this.paramChanges = [...loggedChanges, ...this.paramChanges.filter((c) => c.step > (loggedChanges.at(-1)?.step ?? -1))];
      let frames: Frame[] = [];
      for (const s of history.samples) frames = addFrame(frames, { step: s.step, url: pngDataUrl(s.pngBase64), width: s.width, height: s.height });
      const liveFrames = this.frames.filter((f) => f.step > (history.samples.at(-1)?.step ?? 0));
      for (const f of liveFrames) frames = addFrame(frames, f);
      this.frames = frames;
      await this.#loadEvaluations(runId);
      this.step = Math.max(this.step, newer.at(-1)?.step ?? last);
      this.version++;
      this.runKey++;
      this.focus = null;
    } catch {
      // The live stream still works; only the past is missing.
    } finally {
      this.#backlog = null;
    }
  }
}
