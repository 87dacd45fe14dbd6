/**
 * The latent explorer's state: which run and checkpoint (following the run that trains now unless
 * the user picked one), the view state (keyframe seeds, t, path, class, ψ, threshold, direction
 * amounts), the run's saved favourites, directions and views, and one render lane per picture.
 * One store per window, kept across view switches; other views open the explorer on a spec with
 * openInExplorer().
 */
import { favouriteKey, type DirectionInfo, type ExploreProgress, type ExploreState, type Favourite, type FavouritePoint, type UnsupervisedMethod } from '../../../../src-main/api/explore';
import type { CheckpointInfoShape, RunSummary } from '../../../../src-main/api/projects';
import type { SampleSpec } from '../../../../src-main/api/sampling';
import type { TrainConfig } from '../../../../src-main/api/train-config';
import { describeError, type ErrorInfo } from '../errors';
import { RenderLane } from '../explore/lane.svelte';
import { MAX_KEYFRAMES, parseSpecText, partsFromSpec, viewSpec, type ViewParts } from '../explore/view-state';
import type { StudioStore } from './studio.svelte';
import type { StudioClient } from '../transport';
import { defineStore } from './app-lifetime.svelte';
import { bestBeforeNewest, openedAtBest, trainingNow } from '../best-checkpoint';

export type ExploreTask = 'sefa' | 'ganspace' | 'fit' | 'classifier' | 'saved';
export const laneNames = ['main', 'strip', 'seeds', 'truncation', 'classes', 'sweep', 'checkpoints', 'favourites'] as const;
export type LaneName = (typeof laneNames)[number];
export const SEEDS_PER_PAGE = 24;
/** The seed browser's columns: its page is SEEDS_PER_PAGE / SEED_PAGE_COLS rows, and its export the same grid. */
export const SEED_PAGE_COLS = 8;

export class ExploreStore {
  /** The project's runs, newest first. */
  runs = $state.raw<RunSummary[]>([]);
  runsLoaded = $state(false);
  runId = $state<string | null>(null);
  /** Show the run that is training now (or the newest run) rather than one the user picked. */
  followTraining = $state(true);
  /** Use the run's newest checkpoint, moving on as new ones land. */
  followLatest = $state(true);
  checkpoints = $state.raw<CheckpointInfoShape[]>([]);
  config = $state.raw<TrainConfig | null>(null);
  file = $state<string | null>(null);
  loadingRun = $state(false);
  error = $state.raw<ErrorInfo | null>(null);
  saved = $state.raw<ExploreState | null>(null);
  /** The run's dataset classes (a conditional model's labels, classifier-direction targets). */
  /** What the generator is conditioned on: the dataset's classes, or clusters of its images. */
  classNames = $state.raw<string[]>([]);
  /** The dataset's own classes (its classifier's), for directions toward a class. */
  labelNames = $state.raw<string[]>([]);
  task = $state<ExploreTask | null>(null);
  taskError = $state.raw<ErrorInfo | null>(null);
  progress = $state.raw<ExploreProgress | null>(null);
  notice = $state<string | null>(null);

  keyframes = $state<number[]>([0]);
  /** A projected latent standing in for the first keyframe's seed (null: the seed's own z). */
  latent = $state.raw<number[] | null>(null);
  t = $state(0);
  path = $state<'slerp' | 'linear'>('slerp');
  classIndex = $state(0);
  psi = $state(1);
  threshold = $state<number | null>(null);
  amounts = $state<Record<string, number>>({});
  page = $state(0);
  /** Seeds marked as having ('has') or lacking ('lacks') an attribute, for a supervised direction. */
  marks = $state<Record<number, 'has' | 'lacks'>>({});
  playing = $state(false);
  /** Loop passes per second. */
  speed = $state(0.25);

  readonly lanes: Record<LaneName, RenderLane>;
  readonly numClasses = $derived(this.config?.model.numClasses ?? 0);
  /** The classes are clusters of the images (self-conditioning), named Cluster 1…k. */
  readonly clustered = $derived(this.config?.model.labels === 'clusters');
  readonly directions = $derived<DirectionInfo[]>(this.saved?.directions ?? []);
  readonly parts = $derived.by((): ViewParts | null => {
    if (!this.runId || !this.file || !this.config) return null;
    const known = new Set(this.directions.map((d) => d.id));
    return {
      runId: this.runId,
      file: this.file,
      keyframes: this.keyframes,
      t: this.t,
      path: this.path,
      classIndex: this.numClasses > 0 ? Math.min(this.classIndex, this.numClasses - 1) : null,
      latent: this.latent,
      psi: this.psi,
      threshold: this.threshold,
      amounts: Object.fromEntries(Object.entries(this.amounts).filter(([id]) => known.has(id))),
    };
  });
  readonly spec = $derived(this.parts ? viewSpec(this.parts) : null);
  #loadToken = 0;
  /** The checkpoint the view opened at because the run's evaluation scored it best (not one the user picked). */
  #pickedBest: string | null = null;

  constructor(private readonly studio: StudioStore) {
    this.lanes = Object.fromEntries(laneNames.map((name) => [name, new RenderLane(this.client, name)])) as Record<LaneName, RenderLane>;
  }

  /** The run the engine is training right now, if any (renders wait for its steps unless it trains in a thread of its own). */
  get trainingRunId(): string | null {
    const status = this.studio.training.status;
    return status?.state === 'running' ? status.runId : null;
  }

  #trainingNow(runId: string): boolean {
    return trainingNow(this.studio.training.status, runId);
  }

  private get client(): StudioClient {
    return this.studio.client;
  }

  /** Subscribes for the window's lifetime (the explorer follows training even while hidden). */
  start(): () => void {
    const offs = [
      this.client.on('project.changed', ({ runs }) => this.#setRuns(runs)),
      this.client.on('explore.progress', (p) => (this.progress = p)),
      this.client.on('train.status', (status) => {
        const active = status.state === 'running' || status.state === 'paused';
        if (this.followTraining && active && status.runId !== this.runId) void this.refreshRuns();
        else if (status.runId === this.runId && status.lastCheckpointStep !== (this.checkpoints[0]?.step ?? null)) void this.#loadCheckpoints();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async refreshRuns(): Promise<void> {
    try {
      this.#setRuns((await this.client.request('project.current', {})).runs);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  #setRuns(runs: RunSummary[]): void {
    this.runs = runs;
    this.runsLoaded = true;
    if (!this.followTraining) return;
    const status = this.studio.training.status;
    const training = status && (status.state === 'running' || status.state === 'paused') ? status.runId : null;
    const pick = training ?? runs.find((r) => !r.damaged && r.lastCheckpointStep !== null)?.runId ?? null;
    if (pick && pick !== this.runId) void this.#load(pick);
  }

  /** The user picks a run: the explorer stops following training. */
  selectRun(runId: string): void {
    this.followTraining = false;
    if (runId !== this.runId) void this.#load(runId);
  }

  follow(): void {
    this.followTraining = true;
    void this.refreshRuns();
  }

  selectCheckpoint(file: string | 'latest'): void {
    if (this.#pickedBest) this.notice = null;
    this.#pickedBest = null;
    this.followLatest = file === 'latest';
    this.file = file === 'latest' ? (this.checkpoints[0]?.file ?? null) : file;
  }

  async #load(runId: string, keep?: { file: string | null }): Promise<void> {
    const token = ++this.#loadToken;
    this.runId = runId;
    this.loadingRun = true;
    this.error = null;
    this.saved = null;
    this.config = null;
    this.checkpoints = [];
    this.playing = false;
    this.marks = {};
    Object.values(this.lanes).forEach((lane) => lane.clear());
    try {
      const [listing, state, classes] = await Promise.all([
        this.client.request('runs.checkpoints', { runId }),
        this.client.request('explore.state', { runId }),
        this.client.request('explore.classes', { runId }).catch(() => null),
      ]);
      if (token !== this.#loadToken) return;
      this.config = listing.config;
      this.checkpoints = listing.checkpoints;
      this.saved = state;
      this.classNames = classes?.classNames ?? [];
      this.labelNames = classes?.labelNames ?? [];
      // A spec opens its checkpoint (the newest when it names none); otherwise the run opens at its
      // newest, or at an earlier one its evaluation scored best.
      this.followLatest = !keep?.file;
      this.file = keep?.file ?? listing.checkpoints[0]?.file ?? null;
      this.#pickedBest = null;
      if (!keep) this.#followBest(runId, listing.checkpoints);
    } catch (err) {
      if (token === this.#loadToken) this.error = describeError(err);
    } finally {
      if (token === this.#loadToken) this.loadingRun = false;
    }
  }

  async #loadCheckpoints(): Promise<void> {
    const runId = this.runId;
    if (!runId) return;
    try {
      const listing = await this.client.request('runs.checkpoints', { runId });
      if (runId !== this.runId) return;
      this.checkpoints = listing.checkpoints;
      this.config ??= listing.config;
      if (this.#pickedBest !== null && this.file === this.#pickedBest) this.#followBest(runId, listing.checkpoints);
      if (this.followLatest) this.file = listing.checkpoints[0]?.file ?? null;
    } catch {
      // The next status event tries again; the checkpoint on screen still works.
    }
  }

  /**
   * A run opened without a spec, and its new checkpoints while it shows the best one: the best one
   * while the run has ended (moving to a newer best), the newest once the run trains again.
   */
  #followBest(runId: string, checkpoints: CheckpointInfoShape[]): void {
    const best = bestBeforeNewest(checkpoints, this.#trainingNow(runId));
    this.#pickedBest = best?.file ?? null;
    this.followLatest = !best;
    if (best) this.file = best.file;
    this.notice = best ? openedAtBest(best, checkpoints[0]) : null;
  }

  // ---- the current latent and its keyframes ----

  /** Makes `seed` the current latent (one keyframe). */
  showSeed(seed: number, classIndex?: number): void {
    this.playing = false;
    this.keyframes = [seed];
    this.latent = null;
    this.t = 0;
    if (classIndex !== undefined) this.classIndex = classIndex;
  }

  /** Makes a projection's result the current latent: its start seed, with the found z in its place. */
  showLatent(seed: number, latent: number[], classIndex: number | null): void {
    this.playing = false;
    this.keyframes = [seed];
    this.latent = latent;
    this.t = 0;
    if (classIndex !== null) this.classIndex = classIndex;
  }

  addKeyframe(seed: number): void {
    if (this.keyframes.length >= MAX_KEYFRAMES) return;
    this.keyframes = [...this.keyframes, seed];
  }

  removeKeyframe(index: number): void {
    if (this.keyframes.length <= 1) return;
    this.keyframes = this.keyframes.filter((_, i) => i !== index);
    if (index === 0) this.latent = null;
    if (this.keyframes.length === 1) this.playing = false;
  }

  mark(seed: number, side: 'has' | 'lacks' | null): void {
    const next = { ...this.marks };
    if (side) next[seed] = side;
    else delete next[seed];
    this.marks = next;
  }

  // ---- view state as JSON ----

  /** Opens a spec (pasted, saved, or from another view): its run, checkpoint and first image. */
  open(spec: SampleSpec): void {
    const parts = partsFromSpec(spec);
    this.followTraining = false;
    this.keyframes = [...parts.keyframes];
    this.latent = parts.latent ? [...parts.latent] : null;
    this.t = parts.t;
    this.path = parts.path;
    this.classIndex = parts.classIndex ?? 0;
    this.psi = parts.psi;
    this.threshold = parts.threshold;
    this.amounts = { ...parts.amounts };
    this.playing = false;
    this.notice = spec.images.length > 1 ? `The spec has ${spec.images.length} images; showing the first.` : null;
    void this.#load(parts.runId, { file: parts.file });
  }

  /** Opens pasted JSON; returns what is wrong with it, or null. */
  openText(text: string): ErrorInfo | null {
    const parsed = parseSpecText(text);
    if (!parsed.ok) return parsed.error;
    this.open(parsed.spec);
    return null;
  }

  // ---- saved things (favourites, directions, views): each answer is the run's new state ----

  async #run(task: ExploreTask, call: () => Promise<ExploreState>): Promise<boolean> {
    if (this.task) return false;
    const runId = this.runId;
    this.task = task;
    this.taskError = null;
    this.progress = null;
    try {
      const state = await call();
      if (runId === this.runId) this.saved = state;
      return true;
    } catch (err) {
      this.taskError = describeError(err);
      return false;
    } finally {
      this.task = null;
      this.progress = null;
    }
  }

  /** The current latent as a favourite: its seed, or the point between its keyframes. */
  get currentFavourite(): { seed: number; point?: FavouritePoint; latent?: number[] } {
    const seeds = this.keyframes;
    const latent = this.latent ? { latent: this.latent } : {};
    if (seeds.length < 2) return { seed: seeds[0]!, ...latent };
    return { seed: seeds[0]!, point: { seeds: [...seeds], t: Math.round(Math.min(1, Math.max(0, this.t)) * 1e6) / 1e6, path: this.path }, ...latent };
  }

  /** Adds or removes the current latent (a seed, or the point between keyframes) as a favourite; `note` updates its note. */
  favourite(favourite: boolean, note?: string): Promise<boolean> {
    const runId = this.runId!;
    const label = this.numClasses > 0 ? this.classIndex : null;
    const { seed, point, latent } = this.currentFavourite;
    return this.#run('saved', () =>
      this.client.request('explore.favourite', { runId, seed, ...(point ? { point } : {}), ...(latent ? { latent } : {}), class: label, favourite, ...(note !== undefined ? { note } : {}) }),
    );
  }

  /** Whether this seed itself (not a point between keyframes) is a favourite under the current class. */
  isFavourite(seed: number): boolean {
    const label = this.numClasses > 0 ? this.classIndex : null;
    return this.saved?.favourites.some((f) => f.seed === seed && !f.point && !f.latent && f.class === label) ?? false;
  }

  /** The saved favourite that is the current latent, if it is one. */
  get shownFavourite(): Favourite | null {
    const label = this.numClasses > 0 ? this.classIndex : null;
    const { seed, point, latent } = this.currentFavourite;
    const key = favouriteKey({ seed, class: label, point, latent });
    return this.saved?.favourites.find((f) => favouriteKey(f) === key) ?? null;
  }

  /** Makes a favourite the current latent: its seed, or its point between keyframes. */
  showFavourite(f: Favourite): void {
    this.playing = false;
    this.keyframes = f.point ? [...f.point.seeds] : [f.seed];
    this.latent = f.latent ? [...f.latent] : null;
    this.t = f.point?.t ?? 0;
    if (f.point) this.path = f.point.path;
    if (f.class !== null) this.classIndex = f.class;
  }

  computeDirections(method: UnsupervisedMethod, count: number): Promise<boolean> {
    return this.#run(method, () => this.client.request('explore.directions.compute', { checkpoint: this.#checkpoint(), method, count }));
  }

  async fitDirection(name: string, orthogonalTo: string[]): Promise<boolean> {
    const seeds = (side: 'has' | 'lacks') => Object.entries(this.marks).filter(([, s]) => s === side).map(([seed]) => Number(seed));
    const done = await this.#run('fit', () =>
      this.client.request('explore.directions.fit', { checkpoint: this.#checkpoint(), name, positives: seeds('has'), negatives: seeds('lacks'), orthogonalTo }),
    );
    if (done) this.marks = {};
    return done;
  }

  classifierDirection(targetClass: number, keepOthers: number): Promise<boolean> {
    return this.#run('classifier', () => this.client.request('explore.directions.classifier', { checkpoint: this.#checkpoint(), targetClass, keepOthers }));
  }

  renameDirection(id: string, name: string): Promise<boolean> {
    return this.#run('saved', () => this.client.request('explore.directions.rename', { runId: this.runId!, id, name }));
  }

  async deleteDirection(id: string): Promise<boolean> {
    const { [id]: _, ...rest } = this.amounts;
    this.amounts = rest;
    return this.#run('saved', () => this.client.request('explore.directions.delete', { runId: this.runId!, id }));
  }

  saveView(name: string): Promise<boolean> {
    const spec = this.spec;
    if (!spec) return Promise.resolve(false);
    return this.#run('saved', () => this.client.request('explore.views.save', { name, spec }));
  }

  deleteView(name: string): Promise<boolean> {
    return this.#run('saved', () => this.client.request('explore.views.delete', { runId: this.runId!, name }));
  }

  /** The checkpoint on screen, for requests about it (memorisation check). */
  get checkpointRef(): { runId: string; file?: string } | null {
    return this.runId ? this.#checkpoint() : null;
  }

  #checkpoint(): { runId: string; file?: string } {
    return { runId: this.runId!, ...(this.file ? { file: this.file } : {}) };
  }
}

/** The window's explorer store, subscribed on first use. */
export const exploreStore = defineStore((studio) => {
  const store = new ExploreStore(studio);
  store.start();
  return store;
});

/**
 * Shows the explorer on `spec` (its run, checkpoint, first image, truncation and directions): for
 * other views' "Open in Explore", e.g. from an export's sidecar.
 */
export function openInExplorer(studio: StudioStore, spec: SampleSpec): void {
  exploreStore(studio).open(spec);
  studio.view = 'explore';
}
