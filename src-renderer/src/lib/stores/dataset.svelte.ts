/**
 * The project's datasets, the one the Data view shows, and imports. App-wide (a drop anywhere on
 * the window or the native menu can start an import while another view shows), so it lives outside
 * the Data view. An import makes a new dataset, or updates the one of the same name once the user
 * agrees; one import at a time; it runs in the engine, this only shows progress and asks to cancel.
 */
import type { RequestInput } from '../../../../src-main/api/contract';
import { StudioError } from '../../../../src-main/api/rpc';
import { describeError, type ErrorInfo } from '../errors';
import { collectDropped, dropName, isFolder, type DroppedItem } from '../drop';
import { ImportForm } from './import-form.svelte';
import { withFolderName, type ImportProgress, type ImportReport, type ProjectDataset, type SkippedFile } from '../import-report';
import { unwrapReply, type StudioClient } from '../transport';
import { newUploadId, planUpload, uploadFiles, type UploadFile, type UploadProgress } from '../upload';
import { defineStore } from './app-lifetime.svelte';
import type { DatasetListShape } from '../../../../src-main/api/dataset';
import type { ProjectDatasetRef } from '../../../../src-main/api/schemas';

type Source = RequestInput<'dataset.import'>['source'];
type Prepared = { source: Source; folder: string | null; clientSkipped: SkippedFile[]; upload?: UploadTiming };

/** preparing: reading a drop; uploading: web mode sending files; importing: the engine's turn (or the native dialog). */
export type ImportPhase = 'idle' | 'preparing' | 'uploading' | 'importing';

export interface ImportResult {
  report: ImportReport;
  folder: string | null;
  /** Files the browser left out before the engine saw them (too large, unreadable, refused). */
  clientSkipped: SkippedFile[];
  /** Web mode: the upload before the import (the engine's report times only its own part). */
  upload: UploadTiming | null;
}

export interface UploadTiming {
  files: number;
  bytes: number;
  ms: number;
}

const CANCELLED = 'Import cancelled; the datasets are unchanged.';

export class DatasetStore {
  readonly form = new ImportForm();
  /** Every dataset of the project, first imported first. */
  list = $state.raw<DatasetListShape>([]);
  /** The dataset the Data view shows (null: the project has none). */
  selected = $state<ProjectDatasetRef | null>(null);
  /** The dataset the last import in this window made or updated: the Model view follows it. */
  imported = $state<ProjectDatasetRef | null>(null);
  /** The selected dataset in full: what its last import skipped, its mean image. null when there is none. */
  project = $state<ProjectDataset>(null);
  loaded = $state(false);
  loadError = $state<ErrorInfo | null>(null);

  phase = $state<ImportPhase>('idle');
  sourceKind = $state<Source['kind'] | null>(null);
  folder = $state<string | null>(null);
  upload = $state<UploadProgress | null>(null);
  progress = $state<ImportProgress | null>(null);
  cancelling = $state(false);
  result = $state<ImportResult | null>(null);
  error = $state<ErrorInfo | null>(null);
  /** Something to say that is not an error: a cancelled import, a folder that was left out. */
  notice = $state<string | null>(null);
  /** Web mode: a chosen folder waiting for Import, so its preview can be checked first. */
  staged = $state<{ files: UploadFile[]; folder: string | null } | null>(null);
  /** Desktop: a folder picked in the native dialog, waiting for Import so its preview can be checked first. */
  chosen = $state<{ token: string; folder: string } | null>(null);
  /** Web mode: a few files of the last chosen folder, uploaded for the import preview. */
  previewUpload = $state<{ uploadId: string; folder: string | null } | null>(null);

  #abort: AbortController | null = null;
  #loads = 0;
  #projectDir: string | null = null;

  constructor(private readonly client: StudioClient) {}

  /** The desktop shell: native folder dialog and dropped-folder tokens instead of uploads. */
  get desktop(): boolean {
    return this.client.mode === 'electron';
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  start(): () => void {
    const offs = [
      this.client.on('dataset.changed', ({ list, changed }) => {
        this.list = list;
        // An import (from any window) shows what it made; a deleted dataset gives way to the first.
        if (changed && list.some((d) => d.id === changed)) this.selected = changed;
        void this.refresh({ list });
      }),
      this.client.on('project.changed', ({ project }) => {
        // Also sent when a run saves a checkpoint: only another project starts the Data view over.
        if (project.dir === this.#projectDir) return;
        this.#projectDir = project.dir;
        this.result = null;
        this.staged = null;
        this.chosen = null;
        this.previewUpload = null;
        this.selected = null;
        this.imported = null;
        void this.refresh();
      }),
      this.client.on('dataset.progress', (progress) => {
        if (this.phase === 'importing') this.progress = progress;
      }),
      this.client.on('ui.command', ({ command }) => {
        if (command === 'import-folder') void this.chooseFromDialog();
      }),
      this.client.on('engine.status', (status) => {
        if (status.state === 'ready' && (!this.loaded || this.loadError)) void this.refresh();
      }),
      this.client.onConnection((state) => {
        if (state.kind === 'open') void this.refresh();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Loads the list (unless given) and the selected dataset in full. */
  async refresh(given?: { list: DatasetListShape }): Promise<void> {
    const load = ++this.#loads;
    try {
      const list = given?.list ?? (await this.client.request('dataset.list', {}));
      if (load !== this.#loads) return; // a newer load or a pushed dataset.changed won
      this.list = list;
      // The one shown before, else the newest import: what the user most likely came to see.
      const newest = [...list].sort((x, y) => y.createdAt.localeCompare(x.createdAt))[0];
      const selected = list.find((d) => d.id === this.selected)?.id ?? newest?.id ?? null;
      this.selected = selected;
      const project = selected ? await this.client.request('dataset.project', { dataset: selected }) : null;
      if (load !== this.#loads) return;
      this.project = project;
      this.loaded = true;
      this.loadError = null;
    } catch (err) {
      // A starting or restarting engine is shown in the status bar; its 'ready' event loads again.
      if (err instanceof StudioError && err.code === 'engine-unavailable') return;
      if (load === this.#loads) this.loadError = describeError(err);
    }
  }

  /** Shows another of the project's datasets in the Data view. */
  select(ref: ProjectDatasetRef): Promise<void> {
    if (ref === this.selected) return Promise.resolve();
    this.selected = ref;
    return this.refresh({ list: this.list });
  }

  /** Deletes a dataset's imported images, once the user agreed (the caller asks). */
  async remove(ref: ProjectDatasetRef): Promise<void> {
    try {
      await this.client.request('dataset.delete', { dataset: ref });
      this.notice = `Deleted the dataset “${this.list.find((d) => d.id === ref)?.name ?? ref}”. Its source folder was not touched.`;
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /**
   * Where an import of `folder` goes: the dataset of the same name when the user agrees to update
   * it (a re-import), else a new dataset. Nothing is replaced without asking.
   */
  #targetFor(folder: string | null): { target: 'new' | ProjectDatasetRef; name?: string } {
    const name = folder?.trim() || undefined;
    const same = name ? this.list.find((d) => d.name.toLowerCase() === name.toLowerCase()) : undefined;
    if (!same) return { target: 'new', ...(name ? { name } : {}) };
    const update = confirm(
      `This project already has a dataset named “${same.name}” (${same.count.toLocaleString('en-US')} images). ` +
        'Update it with this folder? Its images are replaced by this import.\n\nCancel keeps it and imports this folder as a new dataset.',
    );
    return update ? { target: same.id, name: same.name } : { target: 'new', name };
  }

  /**
   * Desktop: File → Import Image Folder…, or the Data view's button. The folder waits for Import,
   * so the preview shows a few of its images with the chosen settings first.
   */
  async chooseFromDialog(): Promise<void> {
    if (this.busy) {
      this.notice = 'An import is already running: wait for it or cancel it.';
      return;
    }
    try {
      const picked = await this.client.request('dataset.chooseFolder', {});
      if (!picked) return; // The dialog was closed without a choice.
      this.chosen = picked;
      this.error = null;
      this.notice = null;
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /** Web mode: a folder from the picker, held until the user presses Import. */
  stage(files: UploadFile[], folder: string | null): void {
    if (!files.length) {
      // Chromium hands an empty folder over as no files at all: say so, rather than nothing (a
      // folder chosen before stays chosen).
      this.notice = null;
      this.error = describeError(new Error(noFilesMessage(folder)));
      return;
    }
    this.staged = { files, folder };
    this.error = null;
    this.notice = null;
  }

  /** Imports the staged folder; it stays staged if the import cannot start (one already runs). */
  importStaged(): Promise<void> {
    const chosen = this.chosen;
    if (chosen) return this.#run('importing', async () => ({ source: { kind: 'dropped', token: chosen.token }, folder: chosen.folder, clientSkipped: [] }));
    return this.staged ? this.importFiles(this.staged.files, this.staged.folder) : Promise.resolve();
  }

  /** Web mode: files from the folder picker (paths already relative to the picked folder). */
  importFiles(files: UploadFile[], folder: string | null): Promise<void> {
    return this.#run('uploading', (signal) => this.#upload(files, folder, [], signal));
  }

  /** A drop anywhere on the window; `items` were read during the drop event. */
  importDrop(items: DroppedItem[]): Promise<void> {
    if (!this.desktop) {
      return this.#run('preparing', async (signal) => {
        const { files, skipped } = await collectDropped(items);
        signal.throwIfAborted();
        return this.#upload(files, dropName(items), skipped, signal);
      });
    }
    return this.#run('preparing', async () => {
      const folders = items.filter(isFolder);
      const first = folders[0];
      if (first?.file) {
        if (folders.length > 1) this.notice = `Only “${first.entry?.name}” was imported: drop one folder at a time (its subfolders become classes).`;
        const token = unwrapReply(await window.studioBridge!.registerDrop([first.file]));
        return { source: { kind: 'dropped', token }, folder: first.entry?.name ?? null, clientSkipped: [] };
      }
      // Loose files: main gathers them into one flat folder, as web mode does with a drop of files.
      const files = items.flatMap((item) => (item.file ? [item.file] : []));
      if (!files.length) throw new Error('Drop a folder of images, or image files.');
      const token = unwrapReply(await window.studioBridge!.registerDrop(files));
      return { source: { kind: 'dropped', token }, folder: dropName(items), clientSkipped: [] };
    });
  }

  /** Stops the upload (aborting its requests) or asks the engine to stop the import. */
  async cancel(): Promise<void> {
    if (!this.busy || this.cancelling) return;
    this.cancelling = true;
    this.#abort?.abort();
    if (this.phase !== 'importing') return;
    try {
      // The request may still be on its way to the engine; ask again briefly until it is seen.
      for (let attempt = 0; attempt < 8 && this.phase === 'importing'; attempt++) {
        if ((await this.client.request('dataset.cancelImport', {})).cancelled) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (err) {
      this.error = describeError(err);
      // The import goes on (like a Task's failed cancel, lib/task.ts): offer Cancel again.
      if (this.phase === 'importing') this.cancelling = false;
    }
  }

  async #upload(files: UploadFile[], folder: string | null, skipped: SkippedFile[], signal: AbortSignal): Promise<Prepared> {
    this.folder = folder;
    const plan = planUpload(files);
    if (!plan.send.length) {
      const where = folder ? `“${folder}”` : 'The selection';
      throw new Error(
        files.length
          ? `None of the ${files.length} files in ${where} could be uploaded: ${plan.skipped[0]?.reason ?? ''}`
          : noFilesMessage(folder),
      );
    }
    this.phase = 'uploading';
    const uploadId = newUploadId();
    const started = performance.now();
    const sent = await uploadFiles(uploadId, plan.send, { signal, onProgress: (p) => (this.upload = p) });
    const upload = { files: plan.send.length - sent.skipped.length, bytes: plan.send.reduce((n, f) => n + f.file.size, 0), ms: performance.now() - started };
    return { source: { kind: 'upload', uploadId }, folder, clientSkipped: [...skipped, ...plan.skipped, ...sent.skipped], upload };
  }

  async #run(phase: ImportPhase, prepare: (signal: AbortSignal) => Promise<Prepared>): Promise<void> {
    if (this.busy) {
      this.notice = 'An import is already running: wait for it or cancel it.';
      return;
    }
    const parsed = this.form.parse();
    if (!parsed.ok) {
      this.error = parsed.error;
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    // Whatever was chosen and waiting gives way to the import that starts now.
    this.staged = null;
    this.chosen = null;
    this.#reset(phase);
    this.error = null;
    this.notice = null;
    this.result = null;
    this.folder = null;
    this.sourceKind = phase === 'importing' ? 'dialog' : null;
    let folder: string | null = null;
    try {
      const prepared = await prepare(abort.signal);
      abort.signal.throwIfAborted();
      folder = prepared.folder;
      this.folder = folder;
      this.sourceKind = prepared.source.kind;
      this.phase = 'importing';
      const where = this.#targetFor(folder);
      const { report, dataset } = await this.client.request('dataset.import', { source: prepared.source, options: parsed.options, ...where });
      // null: the user closed the native dialog without choosing; nothing changed.
      if (report) this.result = { report, folder, clientSkipped: prepared.clientSkipped, upload: prepared.upload ?? null };
      if (dataset) {
        this.imported = dataset;
        this.selected = dataset;
      }
    } catch (err) {
      if (this.cancelling || abort.signal.aborted) this.notice = CANCELLED;
      else {
        const info = describeError(err);
        this.error = { ...info, message: withFolderName(info.message, folder ?? this.folder) };
      }
    } finally {
      this.#abort = null;
      this.#reset('idle');
    }
  }

  #reset(phase: ImportPhase): void {
    this.phase = phase;
    this.upload = null;
    this.progress = null;
    this.cancelling = false;
    if (phase === 'idle') this.sourceKind = null;
  }
}

/**
 * The window's datasets and import, subscribed on first use. App-wide like the studio: drops and
 * the native menu can import while any view shows.
 */
export const datasetStore = defineStore((studio) => {
  const store = new DatasetStore(studio.client);
  store.start();
  return store;
});

function noFilesMessage(folder: string | null): string {
  return `${folder ? `“${folder}”` : 'The chosen folder'} has no files to import. Choose a folder with images (PNG, JPEG, WebP, GIF…), or subfolders of them.`;
}
