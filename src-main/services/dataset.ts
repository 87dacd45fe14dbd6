/**
 * Main's dataset handlers: the renderer names an import's source (a dropped folder's token, an
 * upload, the folder dialog) and main turns it into a folder for the engine to read.
 */
import type { datasetRequests } from '../api/dataset';
import { StudioError, type HandlersFor } from '../api/rpc';
import type { StudioContext } from './capability';
import type { ImportSources } from './import-sources';

export function datasetStudioHandlers(ctx: StudioContext, sources: ImportSources): HandlersFor<typeof datasetRequests> {
  const { engine } = ctx;
  /** Source folders an import is reading now. */
  const importing = new Set<string>();
  return {
    'dataset.demo': () => engine.request('dataset.demo', {}),
    'dataset.project': () => engine.request('dataset.project', { projectDir: ctx.requireProject().dir, name: ctx.requireProject().name }),
    'dataset.import': async ({ source, options: importOptions }) => {
      const projectDir = ctx.requireProject().dir;
      const folder = await sources.resolve(source, projectDir);
      if (!folder) return { report: null };
      // The files are removed only by the import that consumed them, once it finished: a second
      // request for the same upload, one the engine refused, or an engine that died mid-import
      // leaves them for the next try (stale uploads are swept when the project is opened).
      if (importing.has(folder.dir)) {
        throw new StudioError({ code: 'invalid-request', message: 'These files are already being imported: wait for that import to finish.' });
      }
      importing.add(folder.dir);
      let report;
      try {
        report = await engine.request('dataset.import', { sourceDir: folder.dir, projectDir, options: importOptions });
      } finally {
        importing.delete(folder.dir);
      }
      await folder.cleanup();
      ctx.emit('dataset.changed', await engine.request('dataset.project', { projectDir, name: ctx.requireProject().name }));
      return { report };
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
      return engine.request('dataset.preview', { sourceDir, projectDir, options: previewOptions });
    },
  };
}
