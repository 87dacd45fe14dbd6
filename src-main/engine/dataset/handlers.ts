/** The engine's dataset handlers: imports (one at a time), the project's datasets, thumbnails, previews, the demo. */
import { StudioError, type HandlersFor } from '../../api/rpc';
import type { EngineContext } from '../capability';
import type { datasetEngineRequests } from '../protocol/dataset';
import { DatasetError } from './';
import { demoSummary } from './demo-summary';
import { ImportController } from './import-controller';
import { previewImport } from './import-preview';
import { thumbnailPage } from './thumbnails';
import { datasetDirOf } from '../../project/layout';

export function datasetHandlers(ctx: EngineContext): HandlersFor<typeof datasetEngineRequests> {
  const imports = new ImportController(ctx.emit);
  return {
    'dataset.demo': async () => demoSummary(),
    'dataset.import': async (input) => {
      if (input.target !== 'new') refuseWhileStreamed(ctx, datasetDirOf(input.projectDir, input.target), 'importing into it again');
      return imports.run(input);
    },
    'dataset.cancelImport': async () => ({ cancelled: imports.cancel() }),
    'dataset.list': (input) => imports.list(input.projectDir),
    'dataset.project': (input) => imports.current(input.projectDir, input.dataset),
    'dataset.delete': async (input) => {
      refuseWhileStreamed(ctx, datasetDirOf(input.projectDir, input.dataset), 'deleting it');
      return { deleted: await imports.delete(input.projectDir, input.dataset) };
    },
    'dataset.thumbnails': ({ projectDir, dataset, ...query }) => userErrors(() => thumbnailPage(datasetDirOf(projectDir, dataset), query)),
    'dataset.preview': (input) => userErrors(() => previewImport(input.sourceDir, datasetDirOf(input.projectDir, input.dataset), input.options)),
  };
}

function refuseWhileStreamed(ctx: EngineContext, datasetDir: string, what: string): void {
  if (ctx.training.streamsDataset(datasetDir)) {
    throw new StudioError({
      code: 'invalid-request',
      message: `A run is training from this dataset’s files (it is too large to load into memory): stop it before ${what}.`,
    });
  }
}

/** A missing or damaged dataset is the user's to fix (import again), not an engine fault. */
export async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DatasetError) throw new StudioError({ code: 'invalid-request', message: err.userMessage });
    if ((err as { code?: unknown }).code === 'ENOENT') {
      throw new StudioError({ code: 'invalid-request', message: 'This project has no imported dataset yet: import an image folder first.' });
    }
    throw err;
  }
}
