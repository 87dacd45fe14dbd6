/** Main's side of the StyleGAN2-ADA dataset export: the zip goes to the open project's exports/. */
import { confinedPath } from '../project/links';
import { join } from 'node:path';
import type { datasetExportRequests } from '../api/stylegan-export';
import type { HandlersFor } from '../api/rpc';
import { datasetDirOf, exportsDirOf } from '../project/layout';
import { styleGanZipName } from '../shared/stylegan-name';
import type { StudioContext } from './capability';

export function styleGanExportStudioHandlers(ctx: StudioContext): HandlersFor<typeof datasetExportRequests> {
  const { engine } = ctx;
  return {
    'dataset.exportStyleGan': async ({ dataset }) => {
      const { dir, name } = ctx.requireProject();
      // The first dataset's zip is named after the project, as always; another's after its id too.
      const zipPath = join(exportsDirOf(dir), styleGanZipName(dataset === 'project' ? name : `${name} ${dataset.slice('project:'.length)}`, new Date()));
      return engine.request('dataset.exportStyleGan', { datasetDir: datasetDirOf(dir, dataset), zipPath: confinedPath(dir, zipPath) });
    },
    'dataset.cancelExport': () => engine.request('dataset.cancelExport', {}),
  };
}
