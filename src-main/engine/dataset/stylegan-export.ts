/**
 * Runs the StyleGAN2-ADA dataset export in the engine (PNG encoding is real work: never on the
 * Electron main thread), one at a time, with progress events and Cancel.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StyleGanExport } from '../../api/stylegan-export';
import type { datasetExportEngineRequests } from '../protocol/stylegan-export';
import { StudioError } from '../../api/rpc';
import type { EngineContext } from '../capability';
import type { HandlersFor } from '../../api/rpc';
import { exportStyleGan, zipSink } from './';
import { userErrors } from './handlers';

export function datasetExportHandlers(ctx: Pick<EngineContext, 'emit'>): HandlersFor<typeof datasetExportEngineRequests> {
  let running: AbortController | null = null;
  return {
    'dataset.exportStyleGan': async ({ datasetDir, zipPath }) => {
      if (running) throw new StudioError({ code: 'invalid-request', message: 'A dataset export is already running: wait for it or cancel it.' });
      const abort = new AbortController();
      running = abort;
      try {
        await mkdir(dirname(zipPath), { recursive: true });
        const done = await userErrors(() =>
          exportStyleGan(datasetDir, zipSink(zipPath), {
            signal: abort.signal,
            onProgress: (doneCount, total) => ctx.emit('dataset.exportProgress', { done: doneCount, total }),
          }),
        );
        const result: StyleGanExport = { path: zipPath, bytes: (await stat(zipPath)).size, ...done };
        return { result };
      } catch (err) {
        if (abort.signal.aborted) return { result: null };
        throw err;
      } finally {
        running = null;
      }
    },
    'dataset.cancelExport': async () => {
      running?.abort();
      return { cancelled: running !== null };
    },
  };
}
