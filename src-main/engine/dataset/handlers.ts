/** Engine handlers for the Data view's reads: thumbnail pages and the import preview. */
import { StudioError } from '../../api/rpc';
import type { EngineRequests } from '../protocol';
import type { HandlersFor } from '../capability';
import { DatasetError } from './';
import { previewImport } from './import-preview';
import { thumbnailPage } from './thumbnails';

type DatasetViewRequests = Pick<EngineRequests, 'dataset.thumbnails' | 'dataset.preview'>;

export function datasetViewHandlers(): HandlersFor<DatasetViewRequests> {
  return {
    'dataset.thumbnails': ({ projectDir, ...query }) => userErrors(() => thumbnailPage(projectDir, query)),
    'dataset.preview': (input) => userErrors(() => previewImport(input.sourceDir, input.projectDir, input.options)),
  };
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
