/** Main's side of the StyleGAN2-ADA dataset export: the zip goes to the open project's exports/. */
import { join } from 'node:path';
import type { datasetExportRequests } from '../api/stylegan-export';
import type { HandlersFor } from '../api/rpc';
import { datasetDirOf, exportsDirOf } from '../project/layout';
import { styleGanZipName } from '../shared/stylegan-name';
import type { StudioContext } from './capability';

export function styleGanExportStudioHandlers(ctx: StudioContext): HandlersFor<typeof datasetExportRequests> {
  const { engine } = ctx;
  return {
    'dataset.exportStyleGan': async () => {
      const { dir, name } = ctx.requireProject();
      const zipPath = join(exportsDirOf(dir), styleGanZipName(name, new Date()));
      return engine.request('dataset.exportStyleGan', { datasetDir: datasetDirOf(dir), zipPath });
    },
    'dataset.cancelExport': () => engine.request('dataset.cancelExport', {}),
  };
}
