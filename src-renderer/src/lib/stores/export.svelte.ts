/**
 * The Gallery view's state: the export form, the export in progress (its progress bar and cancel)
 * and the project's past exports. Kept for the app's lifetime, so an export started here keeps
 * reporting while another view is shown.
 */
import { exportRequestSchema, type ExportEntry, type ExportProgress, type ExportRequestInput, type ExportResult } from '../../../../src-main/api/export';
import { formatIssues } from '../../../../src-main/api/rpc';
import type { CheckpointInfoShape } from '../../../../src-main/api/projects';
import type { TrainConfig } from '../../../../src-main/api/train-config';
import { describeError, type ErrorInfo } from '../errors';
import { createTask } from '../task.svelte';
import { pngDataUrl } from '../format';
import type { StudioClient } from '../transport';
import { buildRequest, defaultDraft, type ExportDraft } from '../export/requests';
import { defineStore } from './app-lifetime.svelte';
import { bestBeforeNewest, trainingNow } from '../best-checkpoint';

export class ExportStore {
  draft = $state<ExportDraft>(defaultDraft());
  /** The chosen run's config and checkpoints (newest first). */
  config = $state.raw<TrainConfig | null>(null);
  checkpoints = $state.raw<CheckpointInfoShape[]>([]);
  /** The chosen run's class names, as the explorer shows them (folder names, or Cluster 1…k); [] while unknown. */
  classNames = $state.raw<string[]>([]);
  /** The export under way: its progress, Cancel and error (also a refused form's). */
  readonly task = createTask<ExportProgress>(() => this.client.request('export.cancel', {}));
  /** Who started the running (or last) export: 'gallery', or the id of a QuickExport panel. */
  owner = $state<string | null>(null);
  last = $state.raw<ExportResult | null>(null);
  exports = $state.raw<ExportEntry[]>([]);
  damaged = $state.raw<{ name: string; reason: string }[]>([]);
  exportsDir = $state<string | null>(null);
  /** This machine has an ffmpeg: MP4 is offered. */
  mp4 = $state(false);
  listError = $state<ErrorInfo | null>(null);
  /** data: URLs of previews by export name, loaded as rows come into view. */
  previews = $state<Record<string, string>>({});
  #previewRequests = new Set<string>();
  #runRequest = 0;

  /** The checkpoint chosen for the user because the run's evaluation scored it best (null: "Newest"), while they keep it. */
  #pickedBest: string | null = null;

  /** `isTraining(runId)`: whether that run trains now (its newest checkpoint is the default then). */
  constructor(
    private readonly client: StudioClient,
    private readonly isTraining: (runId: string) => boolean = () => false,
  ) {}

  /** Subscribes for the window's lifetime: export progress, and the chosen run's checkpoints as they land. */
  start(): () => void {
    const offs = [
      this.client.on('export.progress', (progress) => this.task.report(progress)),
      this.client.on('train.status', (status) => {
        if (status.runId === this.draft.runId && status.lastCheckpointStep !== (this.checkpoints[0]?.step ?? null)) void this.refreshCheckpoints();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Re-reads the chosen run's checkpoints (a run that trained on may have saved some), keeping the choice. */
  async refreshCheckpoints(): Promise<void> {
    const runId = this.draft.runId;
    if (!runId) return;
    try {
      if (!(await this.#readRun(runId))) return;
      // A chosen checkpoint pruned since falls back to the newest.
      if (this.draft.checkpoint !== null && !this.checkpoints.some((c) => c.file === this.draft.checkpoint)) this.draft.checkpoint = null;
      this.#pickBest(runId);
    } catch {
      // Left as it was: choosing the run again reports the error.
    }
  }

  async chooseRun(runId: string | null): Promise<void> {
    this.draft.runId = runId;
    this.draft.checkpoint = null;
    this.#pickedBest = null;
    this.config = null;
    this.checkpoints = [];
    this.classNames = [];
    if (!runId) return;
    const ticket = this.#runRequest + 1; // the one #readRun takes, synchronously
    try {
      if (!(await this.#readRun(runId))) return;
      this.#pickBest(runId);
      this.task.error = null;
    } catch (err) {
      if (ticket === this.#runRequest) this.task.error = describeError(err);
    }
  }

  /**
   * A finished run whose evaluation chose an earlier checkpoint exports that one unless told
   * otherwise; the choice follows a newer best, and gives way to the newest once the run trains
   * again. A checkpoint the user picked is left alone.
   */
  #pickBest(runId: string): void {
    if (this.draft.runId !== runId || this.draft.checkpoint !== this.#pickedBest) return;
    this.#pickedBest = bestBeforeNewest(this.checkpoints, this.isTraining(runId))?.file ?? null;
    this.draft.checkpoint = this.#pickedBest;
  }

  /** Reads a run's config and checkpoints into the store; false when a newer read overtook this one. */
  async #readRun(runId: string): Promise<boolean> {
    const ticket = ++this.#runRequest;
    const [{ config, checkpoints }, classes] = await Promise.all([
      this.client.request('runs.checkpoints', { runId }),
      // Names are a nicety: a run whose dataset is gone still exports, by class number.
      this.client.request('explore.classes', { runId }).catch(() => null),
    ]);
    if (ticket !== this.#runRequest) return false;
    this.config = config;
    this.checkpoints = checkpoints;
    // Names only when they are the model's classes (a dataset re-imported with other folders since is not), as exports do.
    this.classNames = classes?.classNames.length === config.model.numClasses ? classes.classNames : [];
    // A class chosen for another run may not exist in this one.
    if (this.draft.cls !== null && this.draft.cls >= config.model.numClasses) this.draft.cls = null;
    return true;
  }

  async run(): Promise<void> {
    if (this.task.running) return;
    const checked = buildRequest($state.snapshot(this.draft) as ExportDraft);
    if (!checked.ok) {
      this.task.error = { message: checked.message, issues: checked.issues };
      return;
    }
    await this.#track('gallery', () => this.client.request('export.create', checked.request));
  }

  /**
   * An export another view built (the explorer's current view, the Train view's timelapse). It runs
   * here so its progress, result and Cancel show in the Gallery too.
   */
  async exportFrom(input: ExportRequestInput, owner: string): Promise<void> {
    if (this.task.running) return;
    this.owner = owner;
    const parsed = exportRequestSchema.safeParse(input);
    if (!parsed.success) {
      this.task.error = { message: 'That export is not valid.', issues: formatIssues(parsed.error) };
      return;
    }
    await this.#track(owner, () => this.client.request('export.create', parsed.data));
  }

  /** The same export again from its sidecar, into a new folder. */
  async again(name: string): Promise<void> {
    if (this.task.running) return;
    await this.#track('gallery', () => this.client.request('export.again', { name }));
  }

  async refresh(): Promise<void> {
    try {
      const { dir, exports, damaged, mp4 } = await this.client.request('export.list', {});
      this.exportsDir = dir;
      this.mp4 = mp4;
      if (!mp4 && this.draft.format === 'mp4') this.draft.format = 'gif';
      this.exports = exports;
      this.damaged = damaged;
      this.listError = null;
    } catch (err) {
      this.listError = describeError(err);
    }
  }

  async loadPreview(name: string): Promise<void> {
    if (this.#previewRequests.has(name)) return;
    this.#previewRequests.add(name);
    try {
      const { image } = await this.client.request('export.preview', { name });
      if (image) this.previews = { ...this.previews, [name]: pngDataUrl(image.pngBase64) };
    } catch {
      this.#previewRequests.delete(name); // Try again next time the row shows.
    }
  }

  async #track(owner: string, request: () => Promise<ExportResult>): Promise<void> {
    this.owner = owner;
    this.last = null;
    const done = await this.task.run(request, () => this.refresh());
    if (done) this.last = done.value;
  }
}

/** The window's export (Gallery) store, subscribed on first use. */
export const exportStore = defineStore((studio) => {
  const store = new ExportStore(studio.client, (runId) => trainingNow(studio.training.status, runId));
  store.start();
  return store;
});
