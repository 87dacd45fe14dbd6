/**
 * The configuration being designed: one draft shared by the Model view and the Train view's new-run
 * form (so there is a single source of truth for what the next run trains), the project's saved
 * configs, the dataset it is designed for, and the last cost measurement. App-wide: switching views
 * keeps the edit, and a reload brings it back (model-design/draft-storage.ts). Longer than most
 * stores on purpose: which dataset the draft follows, when it is refitted and what a reload restores
 * decide one another, and are kept in one place.
 */
import { untrack } from 'svelte';
import type { SavedConfig } from '../../../../src-main/api/model-design';
import { type BackendName, type DatasetSummary, type ProjectDatasetRef } from '../../../../src-main/api/schemas';
import type { DatasetListItem } from '../../../../src-main/api/dataset';
import { isWassersteinLoss, type LossConfig, type ModelConfig } from '../../../../src-main/api/train-config';
import { preset, type DatasetRef, type PresetName } from '../../../../src-main/api/training';
import { datasetShapeOf, type DatasetShape } from '../../../../src-main/shared/model-design/review';
import { datasetStore } from './dataset.svelte';
import { describeError, type ErrorInfo } from '../errors';
import { downloadText } from '../import-report';
import { useStudio } from './studio.svelte';
import { reviewDraft, type ConfigDraft } from '../train-validation';
import type { StudioClient } from '../transport';
import { diffConfigs } from '../config-diff';
import { configFileName, configFileText, parseConfigFile, uniqueName } from '../model-design/config-file';
import { designSummary, type MeasuredConfig } from '../model-design/estimate';
import { EditHistory } from '../model-design/edit-history';
import { DEFAULT_CLUSTERS, presetOptions } from '../model-design/options';
import { fitDraft, newestDataset } from '../model-design/fit-draft';
import { defineStore } from './app-lifetime.svelte';
import { datasetSizeOf, readStoredDraft, windowStorage, writeStoredDraft, type StoredDraft } from '../model-design/draft-storage';

type Damaged = { name: string; problems: string[] };
/** A kept draft's dataset until the project and its list are known; `refit` once a preset or config replaced the design meanwhile. */
type PendingDataset = { ref: DatasetRef; size: StoredDraft['datasetSize']; project: string | null; refit: boolean };
export type SaveResult = 'saved' | 'exists' | 'failed';

const presetLabel = (name: PresetName) => presetOptions.find((o) => o.value === name)!.label;

export class ModelDesignStore {
  /** Set by the constructor; a field so the derived review below may read it. */
  #backend: () => BackendName | null = () => null;
  draft = $state<ConfigDraft>(preset('dcgan'));
  /** The preset the draft started from, until a saved config replaces it. */
  presetName = $state<PresetName | null>('dcgan');
  /** The saved config the draft was loaded from or last saved as. */
  savedName = $state<string | null>(null);
  /** The save bar's name field. */
  name = $state(presetLabel('dcgan'));
  configs = $state.raw<SavedConfig[]>([]);
  damaged = $state.raw<Damaged[]>([]);
  /** Why the saved configs cannot be listed (no project open), or null. */
  listError = $state<string | null>(null);

  dataset = $state<DatasetRef>('demo:mnist');
  datasetShape = $state.raw<DatasetShape | null>(null);
  /** The project's datasets' shapes, by ref. */
  #projectShapes = new Map<string, DatasetShape>();
  #listSeen = false;
  /** The import (ref@version) the design last resized to. */
  #importSeen: string | null = null;
  #demoShape: DatasetShape | null = null;
  /** Once the user picks a dataset, a new import no longer replaces their choice. */
  #datasetTouched = false;
  /** A project dataset the draft kept across a reload was designed for, until the project's list arrives. */
  #pendingDataset = $state.raw<PendingDataset | null>(null);
  /** True while a kept draft waits for its dataset: a run started now would train on the wrong data. */
  get restoring(): boolean {
    return this.#pendingDataset !== null;
  }
  /** The open project's folder, once known; and the one a kept draft was made in. */
  #projectDir: string | null = null;
  #restoredProject: string | null = null;
  /** The last syncDatasets call, replayed when the project becomes known. */
  #lastSync: Parameters<ModelDesignStore['syncDatasets']> | null = null;

  busy = $state<'list' | 'save' | 'duplicate' | 'delete' | 'import' | null>(null);
  error = $state<ErrorInfo | null>(null);
  notice = $state<string | null>(null);
  measured = $state.raw<MeasuredConfig | null>(null);
  measuring = $state(false);
  measureError = $state<ErrorInfo | null>(null);

  readonly snapshot = $derived($state.snapshot(this.draft) as ConfigDraft);
  /** Every change to the draft, whichever view or control made it (presets and loads too). */
  #history: EditHistory<ConfigDraft> | null = null;
  canUndo = $state(false);
  canRedo = $state(false);
  readonly review = $derived(reviewDraft(this.snapshot, { dataset: this.datasetShape, backend: this.#backend() }));
  readonly summary = $derived(designSummary(this.snapshot));
  /** What the draft was when it last came from a preset, a saved config or a save. */
  #origin = $state.raw<ConfigDraft>(preset('dcgan'));
  /** The user has changed the draft since then. */
  readonly edited = $derived(diffConfigs(this.snapshot, this.#origin).length > 0);

  constructor(
    private readonly client: StudioClient,
    backend: () => BackendName | null,
  ) {
    this.#backend = backend;
    const stored = readStoredDraft(windowStorage());
    if (stored) this.#restore(stored);
  }

  /** The draft as the window left it before a reload. */
  #restore(stored: StoredDraft): void {
    this.draft = structuredClone(stored.draft);
    this.#origin = stored.origin;
    this.presetName = stored.presetName;
    this.savedName = stored.savedName;
    this.name = stored.name;
    this.#datasetTouched = stored.datasetTouched;
    this.#restoredProject = stored.project;
    if (stored.dataset !== 'demo:mnist') {
      this.#pendingDataset = { ref: stored.dataset, size: stored.datasetSize, project: stored.project, refit: false };
    }
  }

  /** What a reload brings back (only a valid draft is kept). */
  #keep(): void {
    const shape = this.datasetShape;
    writeStoredDraft(windowStorage(), {
      draft: this.snapshot,
      origin: this.#origin,
      presetName: this.presetName,
      savedName: this.savedName,
      name: this.name,
      dataset: this.#pendingDataset?.ref ?? this.dataset,
      datasetSize: this.#pendingDataset ? this.#pendingDataset.size : shape && this.dataset !== 'demo:mnist' ? datasetSizeOf(shape) : null,
      datasetTouched: this.#datasetTouched,
      project: this.#projectDir ?? this.#restoredProject,
    });
  }

  /** Follows the project's saved configs for the app's lifetime. */
  start(): void {
    // App-wide, like the store: edits made in the Train view's form are undoable in the Model view.
    $effect.root(() => {
      $effect(() => {
        const snapshot = this.snapshot;
        untrack(() => {
          if (this.#history) this.#history.record(snapshot, performance.now());
          else this.#history = new EditHistory(snapshot);
          this.#syncHistory();
        });
      });
      $effect(() => {
        void [this.snapshot, this.#origin, this.presetName, this.savedName, this.name, this.dataset, this.datasetShape];
        untrack(() => this.#keep());
      });
    });
    this.client.on('project.changed', () => void this.refresh());
    this.client.onConnection((state) => {
      if (state.kind === 'open') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    void this.#learnProject();
    try {
      const list = await this.client.request('design.list', {});
      this.configs = list.configs;
      this.damaged = list.damaged;
      this.listError = null;
    } catch (err) {
      this.configs = [];
      this.damaged = [];
      this.listError = describeError(err).message;
    }
  }

  /**
   * Which project is open. A saved config's name belongs to its project: a draft kept in another one
   * (or a project opened since) forgets it, so Save never replaces a same-named config without asking.
   */
  async #learnProject(): Promise<void> {
    const dir = await this.client.request('project.current', {}).then(
      ({ project }) => project.dir,
      () => null,
    );
    if (dir === null) return;
    const known = this.#projectDir ?? this.#restoredProject;
    if (known !== null && known !== dir) this.savedName = null;
    this.#projectDir = dir;
    if (this.#pendingDataset && this.#lastSync) this.syncDatasets(...this.#lastSync);
    this.#keep();
  }

  undo(): void {
    const previous = this.#history?.undo();
    if (previous) this.draft = previous;
    this.#setAsideR1 = 0;
    this.#syncHistory();
  }

  redo(): void {
    const next = this.#history?.redo();
    if (next) this.draft = next;
    this.#setAsideR1 = 0;
    this.#syncHistory();
  }

  #syncHistory(): void {
    this.canUndo = this.#history?.canUndo ?? false;
    this.canRedo = this.#history?.canRedo ?? false;
  }

  /** A course preset, sized to the dataset. */
  choose(name: PresetName): void {
    this.draft = fitDraft(preset(name), this.#fitShape());
    this.#origin = $state.snapshot(this.draft) as ConfigDraft;
    this.presetName = name;
    this.savedName = null;
    this.#setAsideR1 = 0;
    this.name = uniqueName(presetLabel(name), this.configs.map((c) => c.name));
    if (this.#pendingDataset) this.#pendingDataset.refit = true;
    this.#clearMessages();
  }

  load(name: string): void {
    const saved = this.configs.find((c) => c.name === name);
    if (!saved) return;
    this.draft = structuredClone(saved.config);
    this.#origin = saved.config;
    this.presetName = null;
    this.savedName = name;
    this.#setAsideR1 = 0;
    this.name = name;
    if (this.#pendingDataset) this.#pendingDataset.refit = true;
    this.#clearMessages();
  }

  /** Switching architecture keeps the settings that still apply and fixes the ones that must follow. */
  setArchitecture(architecture: ModelConfig['architecture']): void {
    const classes = this.datasetShape?.classes ?? (this.dataset === 'demo:mnist' ? 10 : 0);
    const conditional = architecture === 'cdcgan';
    this.#rememberClusters();
    // Back to the conditional model: the labels (and cluster count) it had before.
    const clusters = conditional && (this.draft.model.architecture === 'cdcgan' ? this.draft.model.labels === 'clusters' : this.#clusters.on);
    const numClasses = clusters ? this.#clusters.count : conditional ? classes : 0;
    const model = { ...this.draft.model, architecture, numClasses, labels: clusters ? ('clusters' as const) : ('dataset' as const) };
    // The MLP discriminator has dropout instead of normalisation.
    if (architecture === 'mlp') model.dNorm = 'none';
    this.draft.model = model;
  }

  /**
   * Switching loss: R1 needs a real/fake boundary, so moving to a Wasserstein loss sets it aside
   * (as `--loss` drops it on the command line), and moving back to a loss with a boundary brings it
   * back unless γ was set meanwhile. Undo, redo and a new design forget what was set aside.
   */
  setLossKind(kind: LossConfig['kind']): void {
    const [from, to] = [isWassersteinLoss(this.draft.loss.kind), isWassersteinLoss(kind)];
    const loss = { ...this.draft.loss, kind };
    if (to && !from) {
      this.#setAsideR1 = loss.r1 ?? 0;
      loss.r1 = 0;
    } else if (from && !to) {
      if ((loss.r1 ?? 0) === 0) loss.r1 = this.#setAsideR1;
      this.#setAsideR1 = 0;
    }
    this.draft.loss = loss;
  }
  #setAsideR1 = 0;

  /** Where a conditional model's classes come from: the dataset's labels or clusters of its images. */
  setLabels(labels: ModelConfig['labels']): void {
    const classes = this.datasetShape?.classes ?? (this.dataset === 'demo:mnist' ? 10 : 0);
    this.#rememberClusters();
    this.draft.model = { ...this.draft.model, labels, numClasses: labels === 'clusters' ? this.#clusters.count : classes };
  }

  /** The user's cluster choice, kept across switches of labels or architecture. */
  #clusters = { on: false, count: DEFAULT_CLUSTERS };
  #rememberClusters(): void {
    const { architecture, labels, numClasses } = this.draft.model;
    if (architecture !== 'cdcgan') return;
    this.#clusters = { on: labels === 'clusters', count: labels === 'clusters' && typeof numClasses === 'number' && numClasses >= 2 ? numClasses : this.#clusters.count };
  }

  /** The dataset the user picked (Model view or Train view): the model is resized to it. */
  useDataset(ref: DatasetRef): void {
    this.#pendingDataset = null;
    this.#datasetTouched = true;
    this.#select(ref, true);
  }

  /** Resolution, channels and classes back to what the dataset has (after loading a config made for other data). */
  fitToDataset(): void {
    this.#select(this.dataset, true);
  }

  /**
   * Called with the project's datasets whenever they change, and `imported`: the one an import just
   * made or updated. A new import resizes the model (unless the user picked other data); the chosen
   * dataset changing shape (re-imported) resizes it too; a deleted one falls back to the digits. The
   * demo's summary arriving, or a view opening again, does not touch the draft.
   */
  syncDatasets(list: readonly DatasetListItem[], demo: DatasetSummary | null, imported: ProjectDatasetRef | null, listLoaded = true): void {
    this.#lastSync = [list, demo, imported, listLoaded];
    if (this.#pendingDataset) {
      // A kept draft's dataset waits for the project and its list (an empty list may just be unloaded).
      if (listLoaded && this.#projectDir !== null) this.#resumeDataset(this.#pendingDataset, list, demo);
      return;
    }
    const previous = this.#projectShapes.get(this.dataset) ?? null;
    const first = !this.#listSeen && list.length > 0;
    if (first) this.#listSeen = true;
    this.#projectShapes = new Map(list.map((item) => [item.id, datasetShapeOf(item)]));
    this.#demoShape = demo ? datasetShapeOf(demo) : null;
    const current = this.#projectShapes.get(this.dataset) ?? null;
    // Opening the app on a project with data: the newest dataset, unless the user chose already.
    const newest = first && !this.#datasetTouched ? newestDataset(list)! : null;
    // An import resizes the model once: not again at every later list change (a delete, a reconnect).
    const importKey = imported ? `${imported}@${list.find((d) => d.id === imported)?.version ?? ''}` : null;
    const freshImport = importKey !== null && importKey !== this.#importSeen;
    if (freshImport) this.#importSeen = importKey;
    if (imported && freshImport && this.#projectShapes.has(imported) && (!this.#datasetTouched || this.dataset === imported)) this.#select(imported, true);
    else if (newest) this.#select(newest, true);
    else if (this.dataset !== 'demo:mnist' && !current) this.#select(list[0]?.id ?? 'demo:mnist', true);
    else if (this.dataset !== 'demo:mnist' && JSON.stringify(previous) !== JSON.stringify(current)) this.#select(this.dataset, true);
    else this.#select(this.dataset, false);
  }

  async save(replace = false): Promise<SaveResult> {
    const config = this.review.value;
    if (!config) {
      this.error = { message: 'Only a valid config can be saved: fix the errors first.', issues: this.review.errors };
      return 'failed';
    }
    const name = this.name.trim();
    const own = name.toLocaleLowerCase('en-US') === this.savedName?.toLocaleLowerCase('en-US');
    if (!replace && !own && this.configs.some((c) => c.name.toLocaleLowerCase('en-US') === name.toLocaleLowerCase('en-US'))) return 'exists';
    const saved = await this.#run('save', () => this.client.request('design.save', { name, config, replace: replace || own }));
    if (!saved) return 'failed';
    this.savedName = saved.name;
    this.name = saved.name;
    this.#origin = saved.config;
    this.presetName = null;
    this.notice = `Saved “${saved.name}”.`;
    return 'saved';
  }

  async duplicate(): Promise<void> {
    const name = this.savedName;
    if (!name) return;
    const as = uniqueName(`${name} copy`, this.configs.map((c) => c.name));
    const copy = await this.#run('duplicate', () => this.client.request('design.duplicate', { name, as }));
    if (copy) {
      this.load(copy.name);
      this.notice = `Duplicated “${name}” as “${copy.name}”.`;
    }
  }

  async remove(name: string): Promise<void> {
    const done = await this.#run('delete', () => this.client.request('design.delete', { name }));
    if (!done) return;
    if (this.savedName === name) this.savedName = null;
    this.notice = `Deleted “${done.deleted}”.`;
  }

  async importFile(file: File): Promise<void> {
    this.#clearMessages();
    const parsed = parseConfigFile(await file.text(), file.name, this.configs.map((c) => c.name));
    if (!parsed.ok) {
      this.error = { message: parsed.message, issues: parsed.issues };
      return;
    }
    const saved = await this.#run('import', () => this.client.request('design.save', { name: parsed.name, config: parsed.config, replace: false }));
    if (saved) {
      this.load(saved.name);
      this.notice = `Imported ${file.name} as “${saved.name}”.`;
    }
  }

  /** Downloads the current draft (when valid) as the JSON the app saves and the CLI reads. */
  exportCurrent(): void {
    const config = this.review.value;
    if (!config) {
      this.error = { message: 'Only a valid config can be exported: fix the errors first.', issues: this.review.errors };
      return;
    }
    downloadText(configFileText(config), configFileName(this.savedName ?? this.name), 'application/json');
  }

  /** Times a few real training steps of this config on the engine's backend. */
  async measure(): Promise<void> {
    const config = this.review.value;
    if (!config || this.measuring) return;
    this.measuring = true;
    this.measureError = null;
    try {
      this.measured = { config, measurement: await this.client.request('design.measure', { config }) };
    } catch (err) {
      this.measureError = describeError(err);
    } finally {
      this.measuring = false;
    }
  }

  /**
   * The dataset a kept draft was designed for, once the project and its list are known: chosen again,
   * the draft fitted to it only if it changed size since (or a preset replaced the design meanwhile).
   * Gone, or kept in another project: the project's newest dataset (or the digits), fitted.
   */
  #resumeDataset(pending: PendingDataset, list: readonly DatasetListItem[], demo: DatasetSummary | null): void {
    this.#pendingDataset = null;
    this.#listSeen = true;
    this.#projectShapes = new Map(list.map((d) => [d.id, datasetShapeOf(d)]));
    this.#demoShape = demo ? datasetShapeOf(demo) : null;
    const item = pending.project === this.#projectDir ? list.find((d) => d.id === pending.ref) : undefined;
    if (item) {
      const same = !pending.refit && pending.size !== null && JSON.stringify(datasetSizeOf(datasetShapeOf(item))) === JSON.stringify(pending.size);
      this.#select(pending.ref, !same);
      return;
    }
    this.#datasetTouched = false;
    this.#select(newestDataset(list) ?? 'demo:mnist', true);
  }

  /** The shape a design is fitted to: the chosen project dataset's, or null for the digits. */
  #fitShape(): DatasetShape | null {
    return this.dataset === 'demo:mnist' ? null : (this.#projectShapes.get(this.dataset) ?? null);
  }

  #select(ref: DatasetRef, fit: boolean): void {
    this.dataset = ref;
    this.datasetShape = ref === 'demo:mnist' ? this.#demoShape : (this.#projectShapes.get(ref) ?? null);
    if (!fit) return;
    untrack(() => {
      // Fitting to new data is not an edit of the user's, unless they had edited already.
      const edited = this.edited;
      this.draft = fitDraft(this.draft, this.#fitShape());
      if (!edited) this.#origin = $state.snapshot(this.draft) as ConfigDraft;
    });
  }

  async #run<T>(busy: NonNullable<ModelDesignStore['busy']>, request: () => Promise<T>): Promise<T | null> {
    if (this.busy) return null;
    this.busy = busy;
    this.#clearMessages();
    try {
      const value = await request();
      await this.refresh();
      return value;
    } catch (err) {
      this.error = describeError(err);
      return null;
    } finally {
      this.busy = null;
    }
  }

  #clearMessages(): void {
    this.error = null;
    this.notice = null;
  }
}

/** The window's model design, subscribed and loaded on first use. */
export const modelDesignStore = defineStore((studio) => {
  const design = new ModelDesignStore(studio.client, () => studio.engine?.backend?.active ?? null);
  design.start();
  void design.refresh();
  return design;
});

/** Keeps the design in step with the datasets while the calling view is mounted (the Model view, the Train form). */
export function followDatasets(design: ModelDesignStore): void {
  const studio = useStudio();
  const datasets = datasetStore();
  void studio.dataset.load();
  $effect(() => {
    const list = datasets.list;
    const imported = datasets.imported;
    const demo = studio.dataset.summary;
    const loaded = datasets.loaded;
    untrack(() => design.syncDatasets(list, demo, imported, loaded));
  });
}
