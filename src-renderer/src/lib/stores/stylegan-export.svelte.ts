/**
 * The StyleGAN2-ADA dataset export, kept for the app's lifetime (like an import), so leaving the
 * Data view neither loses its progress nor its result.
 */
import type { DatasetExportProgress, StyleGanExport } from '../../../../src-main/api/stylegan-export';
import type { ProjectDatasetRef } from '../../../../src-main/api/schemas';
import { createTask } from '../task.svelte';
import type { StudioClient } from '../transport';
import { defineStore } from './app-lifetime.svelte';

export class StyleGanExportStore {
  readonly task = createTask<DatasetExportProgress>(() => this.client.request('dataset.cancelExport', {}));
  /** The last export's outcome: its zip, or 'cancelled'. */
  last = $state.raw<StyleGanExport | 'cancelled' | null>(null);

  constructor(private readonly client: StudioClient) {
    client.on('dataset.exportProgress', (progress) => this.task.report(progress));
  }

  async run(dataset: ProjectDatasetRef): Promise<void> {
    if (this.task.running) return;
    this.last = null;
    const done = await this.task.run(() => this.client.request('dataset.exportStyleGan', { dataset }));
    if (done) this.last = done.value.result ?? 'cancelled';
  }
}

/** The window's StyleGAN2-ADA export store. */
export const styleGanExportStore = defineStore((studio) => new StyleGanExportStore(studio.client));
