/** The engine's side of stylegan-export: requests from main with absolute paths the renderer never sees. */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { outcome } from '../../api/stylegan-export';

export const datasetExportEngineRequests = {
  'dataset.exportStyleGan': { input: z.object({ datasetDir: z.string().min(1), zipPath: z.string().min(1) }), output: outcome },
  'dataset.cancelExport': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
} satisfies RequestSpecs;
