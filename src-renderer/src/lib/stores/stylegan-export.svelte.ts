/**
 * The StyleGAN2-ADA dataset export, kept for the app's lifetime (like an import), so leaving the
 * Data view neither loses its progress nor its result.
 */
import type { DatasetExportProgress, StyleGanExport } from '../../../../src-main/api/stylegan-export';
import { createTask } from '../task.svelte';
import type { StudioClient } from '../transport';
import { appStore } from './app-lifetime.svelte';

export class StyleGanExportStore {
  readonly task = createTask<DatasetExportProgress>(() => this.client.request('dataset.cancelExport', {}));
  /** The last export's outcome: its zip, or 'cancelled'. */
  last = $state.raw<StyleGanExport | 'cancelled' | null>(null);

  constructor(private readonly client: StudioClient) {
    client.on('dataset.exportProgress', (progress) => this.task.report(progress));
  }

  async run(): Promise<void> {
    if (this.task.running) return;
    this.last = null;
    const done = await this.task.run(() => this.client.request('dataset.exportStyleGan', {}));
    if (done) this.last = done.value.result ?? 'cancelled';
  }
}

const stores = new WeakMap<StudioClient, StyleGanExportStore>();

export function useStyleGanExport(client: StudioClient): StyleGanExportStore {
  return appStore(stores, client, () => new StyleGanExportStore(client));
}
