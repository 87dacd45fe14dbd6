/**
 * The StyleGAN2-ADA dataset export, kept for the app's lifetime (like an import), so leaving the
 * Data view neither loses its progress nor its result.
 */
import type { DatasetExportProgress, StyleGanExport } from '../../../../src-main/api/stylegan-export';
import { describeError, type ErrorInfo } from '../../lib/errors';
import type { StudioClient } from '../../lib/transport';
import { appStore } from '../../lib/app-lifetime.svelte';

export class StyleGanExportStore {
  running = $state(false);
  cancelling = $state(false);
  progress = $state.raw<DatasetExportProgress | null>(null);
  /** The last export's outcome: its zip, or 'cancelled'. */
  last = $state.raw<StyleGanExport | 'cancelled' | null>(null);
  error = $state.raw<ErrorInfo | null>(null);

  constructor(private readonly client: StudioClient) {
    client.on('dataset.exportProgress', (progress) => {
      if (this.running) this.progress = progress;
    });
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.cancelling = false;
    this.progress = null;
    this.error = null;
    this.last = null;
    try {
      const { result } = await this.client.request('dataset.exportStyleGan', {});
      this.last = result ?? 'cancelled';
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.running = false;
      this.cancelling = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await this.client.request('dataset.cancelExport', {});
    } catch (err) {
      this.error = describeError(err);
    }
  }
}

const stores = new WeakMap<StudioClient, StyleGanExportStore>();

export function useStyleGanExport(client: StudioClient): StyleGanExportStore {
  return appStore(stores, client, () => new StyleGanExportStore(client));
}
