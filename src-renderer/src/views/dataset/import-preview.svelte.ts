/**
 * The import form's live preview. Web mode uploads the folder only on Import, so the preview
 * uploads just a few of its files first (the engine decodes them with the real importer); the
 * desktop app, and web mode before any folder is chosen, preview the project dataset's own source
 * files when they are still on disk. Answers to superseded requests are dropped.
 */
import type { ImportPreview } from '../../../../src-main/api/dataset';
import type { ProjectDatasetRef } from '../../../../src-main/api/schemas';
import type { DatasetStore } from '../../lib/stores/dataset.svelte';
import { describeError, type ErrorInfo } from '../../lib/errors';
import type { ImportOptionsInput } from '../../lib/stores/import-form.svelte';
import type { StudioClient } from '../../lib/transport';
import { newUploadId, uploadFiles, type UploadFile } from '../../lib/upload';
import { previewSamples } from './preview-samples';

export class ImportPreviewState {
  preview = $state<ImportPreview | null>(null);
  loading = $state(false);
  uploading = $state(false);
  error = $state<ErrorInfo | null>(null);
  #requests = 0;
  #uploads = 0;

  constructor(
    private readonly client: StudioClient,
    private readonly datasets: DatasetStore,
  ) {}

  /** Where the samples come from now, or null when there is nothing to preview yet. */
  get source(): { kind: 'upload'; uploadId: string } | { kind: 'dropped'; token: string } | { kind: 'project'; dataset: ProjectDatasetRef } | null {
    const chosen = this.datasets.chosen;
    if (chosen) return { kind: 'dropped', token: chosen.token };
    const upload = this.datasets.previewUpload;
    if (upload) return { kind: 'upload', uploadId: upload.uploadId };
    const shown = this.datasets.project;
    return shown ? { kind: 'project', dataset: shown.summary.id as ProjectDatasetRef } : null;
  }

  /** The folder the samples are from, when known. */
  get folder(): string | null {
    return this.datasets.chosen?.folder ?? this.datasets.previewUpload?.folder ?? null;
  }

  /** Uploads a few files of a newly chosen folder for the preview. */
  async useFiles(files: readonly UploadFile[], folder: string | null): Promise<void> {
    const upload = ++this.#uploads;
    const samples = previewSamples(files);
    if (!samples.length) return;
    const uploadId = newUploadId();
    this.uploading = true;
    try {
      await uploadFiles(uploadId, samples, { signal: new AbortController().signal });
      if (upload === this.#uploads) this.datasets.previewUpload = { uploadId, folder };
    } catch (err) {
      if (upload === this.#uploads) this.error = describeError(err);
    } finally {
      if (upload === this.#uploads) this.uploading = false;
    }
  }

  async refresh(options: ImportOptionsInput): Promise<void> {
    const request = ++this.#requests;
    const source = this.source;
    if (!source) {
      this.preview = null;
      return;
    }
    this.loading = true;
    try {
      const preview = await this.client.request('dataset.preview', { source, options });
      if (request !== this.#requests) return;
      this.preview = preview;
      this.error = null;
    } catch (err) {
      if (request === this.#requests) this.error = describeError(err);
    } finally {
      if (request === this.#requests) this.loading = false;
    }
  }
}
