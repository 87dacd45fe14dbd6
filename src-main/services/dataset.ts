/**
 * Main's dataset handlers: the renderer names an import's source (a dropped folder's token, an
 * upload, the folder dialog) and main turns it into a folder for the engine to read. After an
 * import or a delete, every window hears the project's datasets again ('dataset.changed').
 */
import { join } from 'node:path';
import { confinedPath } from '../project/links';
import { DATASETS_DIR, datasetDirOf } from '../project/layout';
import { folderDatasetName } from '../shared/dataset-name';
import type { datasetRequests } from '../api/dataset';
import type { ProjectDatasetRef } from '../api/schemas';
import { StudioError, type HandlersFor } from '../api/rpc';
import type { StudioContext } from './capability';
import type { ImportSources } from './import-sources';

export function datasetStudioHandlers(ctx: StudioContext, sources: ImportSources): HandlersFor<typeof datasetRequests> {
  const { engine } = ctx;
  /** Source folders an import is reading now. */
  const importing = new Set<string>();
  const announce = async (projectDir: string, changed: ProjectDatasetRef | null) =>
    ctx.emit('dataset.changed', { list: await engine.request('dataset.list', { projectDir }), changed });
  return {
    'dataset.demo': () => engine.request('dataset.demo', {}),
    'dataset.list': () => engine.request('dataset.list', { projectDir: ctx.requireProject().dir }),
    'dataset.project': ({ dataset }) => engine.request('dataset.project', { projectDir: ctx.requireProject().dir, dataset }),
    'dataset.delete': async ({ dataset }) => {
      const projectDir = ctx.requireProject().dir;
      // Never a delete through a link out of the project (project/links.ts).
      confinedPath(projectDir, datasetDirOf(projectDir, dataset));
      const result = await engine.request('dataset.delete', { projectDir, dataset });
      await announce(projectDir, dataset);
      return result;
    },
    'dataset.import': async ({ source, options: importOptions, target, name }) => {
      const projectDir = ctx.requireProject().dir;
      // Imports write under dataset/ or datasets/: never through a link out of the project.
      for (const dir of target === 'new' ? [datasetDirOf(projectDir, 'project'), join(projectDir, DATASETS_DIR)] : [datasetDirOf(projectDir, target)]) confinedPath(projectDir, dir);
      const folder = await sources.resolve(source, projectDir);
      if (!folder) return { report: null, dataset: null };
      // The files are removed only by the import that consumed them, once it finished: a second
      // request for the same upload, one the engine refused, or an engine that died mid-import
      // leaves them for the next try (stale uploads are swept when the project is opened).
      if (importing.has(folder.dir)) {
        throw new StudioError({ code: 'invalid-request', message: 'These files are already being imported: wait for that import to finish.' });
      }
      importing.add(folder.dir);
      let result;
      try {
        const datasetName = name ?? (source.kind === 'upload' ? 'Imported images' : folderDatasetName(folder.dir));
        result = await engine.request('dataset.import', { sourceDir: folder.dir, projectDir, options: importOptions, target, name: datasetName });
      } finally {
        importing.delete(folder.dir);
      }
      await folder.cleanup();
      await announce(projectDir, result.dataset);
      return result;
    },
    'dataset.cancelImport': () => engine.request('dataset.cancelImport', {}),
    'dataset.chooseFolder': () => sources.choose(),
    'dataset.thumbnails': (query) => engine.request('dataset.thumbnails', { ...query, projectDir: ctx.requireProject().dir }),
    'dataset.preview': async ({ source, options: previewOptions }) => {
      const projectDir = ctx.requireProject().dir;
      // A preview's upload stays for the next change of options; stale ones are swept with the rest.
      const sourceDir =
        source.kind === 'upload'
          ? ((await sources.resolve(source, projectDir))?.dir ?? null)
          : source.kind === 'dropped'
            ? sources.peek(source.token)
            : null;
      const dataset = source.kind === 'project' ? source.dataset : 'project';
      return engine.request('dataset.preview', { sourceDir, projectDir, dataset, options: previewOptions });
    },
  };
}
