/** Main's side of the StyleGAN2-ADA dataset export: the zip goes to the open project's exports/. */
import { join } from 'node:path';
import type { datasetExportRequests } from '../api/stylegan-export';
import type { HandlersFor } from '../api/rpc';
import { datasetDirOf, exportsDirOf } from '../project/layout';
import type { StudioContext } from './capability';

export function styleGanExportStudioHandlers(ctx: StudioContext): HandlersFor<typeof datasetExportRequests> {
  const { engine } = ctx;
  return {
    'dataset.exportStyleGan': async () => {
      const { dir, name } = ctx.requireProject();
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      const file = `stylegan-${name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset'}-${stamp}.zip`;
      return engine.request('dataset.exportStyleGan', { datasetDir: datasetDirOf(dir), zipPath: join(exportsDirOf(dir), file) });
    },
    'dataset.cancelExport': () => engine.request('dataset.cancelExport', {}),
  };
}
