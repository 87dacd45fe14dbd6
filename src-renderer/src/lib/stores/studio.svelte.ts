/**
 * App-wide reactive state (Svelte 5 runes). Lives outside components so switching views keeps the
 * loaded dataset, the model form, the last sample grid and the training run's charts.
 */
import { createContext } from 'svelte';
import { generatorPreviewSchema } from '../../../../src-main/api/schemas';
import { formatIssues } from '../../../../src-main/api/rpc';
import type {
  AppInfo,
  DatasetSummary,
  EngineStatus,
  GeneratorPreviewRequest,
  SampleGrid,
} from '../../../../src-main/api/schemas';
import { describeError, type ErrorInfo } from '../errors';
import { TrainingStore } from './training.svelte';
import type { ConnectionState, StudioClient } from '../transport';
import type { ViewId } from '../views';

export class StudioStore {
  view = $state<ViewId>('dataset');
  app = $state<AppInfo | null>(null);
  engine = $state<EngineStatus | null>(null);
  /** Set when even asking for the engine's status failed (e.g. the web server went away). */
  engineError = $state<string | null>(null);
  connection = $state<ConnectionState>({ kind: 'connecting' });
  restarting = $state(false);
  restartError = $state<string | null>(null);

  readonly dataset: DemoDatasetStore;
  readonly preview: PreviewStore;
  readonly training: TrainingStore;
  /** Bumped per status event so a slower fetch cannot overwrite a newer pushed status. */
  #statusEvents = 0;

  constructor(readonly client: StudioClient) {
    this.dataset = new DemoDatasetStore(client);
    this.preview = new PreviewStore(client);
    this.training = new TrainingStore(client);
  }

  /** Subscribes to the client; returns the teardown. */
  start(): () => void {
    const offs = [
      this.client.on('engine.status', (status) => {
        this.#statusEvents++;
        // A (re)started engine may have a run open, or may have lost the one we showed.
        if (status.state === 'ready' && this.engine?.state !== 'ready') void this.training.refresh();
        this.engine = status;
        this.engineError = null;
      }),
      // The native menu navigates through main (its accelerators may swallow Ctrl/Cmd+1…7 first).
      this.client.on('ui.navigate', ({ view }) => {
        this.view = view;
      }),
      this.client.onConnection((state) => {
        this.connection = state;
        // Events may have been missed while disconnected, so every (re)connect re-reads the truth.
        if (state.kind === 'open') {
          void this.refresh();
          void this.training.refresh();
        }
      }),
      // For the app's lifetime, not the Train view's: charts keep filling while other views show.
      this.training.start(),
    ];
    return () => offs.forEach((off) => off());
  }

  async refresh(): Promise<void> {
    const seen = this.#statusEvents;
    const [app, engine] = await Promise.allSettled([
      this.client.request('app.info', {}),
      this.client.request('engine.status', {}),
    ]);
    if (app.status === 'fulfilled') this.app = app.value;
    if (engine.status === 'rejected') this.engineError = describeError(engine.reason).message;
    else if (seen === this.#statusEvents) {
      this.engine = engine.value;
      this.engineError = null;
    }
  }

  async restartEngine(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    this.restartError = null;
    try {
      this.engine = await this.client.request('engine.restart', {});
    } catch (err) {
      this.restartError = describeError(err).message;
    } finally {
      this.restarting = false;
    }
  }
}

export class DemoDatasetStore {
  summary = $state<DatasetSummary | null>(null);
  loading = $state(false);
  error = $state<ErrorInfo | null>(null);

  constructor(private readonly client: StudioClient) {}

  /** No-op once loaded or while loading, so callers can ask freely. */
  async load(): Promise<void> {
    if (this.summary || this.loading) return;
    this.loading = true;
    try {
      this.summary = await this.client.request('dataset.demo', {});
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.loading = false;
    }
  }
}

/** Number inputs bind to undefined/null while empty, so the form is looser than the request. */
export type PreviewForm = { [K in keyof GeneratorPreviewRequest]: GeneratorPreviewRequest[K] | null | undefined };

export class PreviewStore {
  // 28 px grayscale matches the built-in MNIST demo; z = 100 is the course's "standard" size.
  form = $state<PreviewForm>({
    architecture: 'dcgan',
    resolution: 28,
    channels: 1,
    zDim: 100,
    upsample: 'transposed',
    seed: 42,
    rows: 8,
    cols: 8,
  });
  result = $state<SampleGrid | null>(null);
  running = $state(false);
  error = $state<ErrorInfo | null>(null);

  constructor(private readonly client: StudioClient) {}

  async sample(): Promise<void> {
    if (this.running) return;
    // Same schema main enforces: out-of-range fields are named before a round trip.
    const parsed = generatorPreviewSchema.strict().safeParse($state.snapshot(this.form));
    if (!parsed.success) {
      this.error = { message: 'Some settings are out of range.', issues: formatIssues(parsed.error) };
      return;
    }
    this.running = true;
    this.error = null;
    try {
      this.result = await this.client.request('samples.preview', parsed.data);
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.running = false;
    }
  }
}

/** The window's root store, provided by App: every other store (lib/stores, `defineStore`) is keyed by it. */
export const [useStudio, provideStudio] = createContext<StudioStore>();
