/** The engine's side of export: requests from main with absolute paths the renderer never sees. */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { exportRequestSchema, exportResultSchema } from '../../api/export';

export const exportEngineRequests = {
  'export.run': {
    input: z.object({ request: exportRequestSchema, exportsDir: z.string().min(1), runDir: z.string().min(1), expectSha256: z.string().optional() }),
    output: exportResultSchema,
  },
  'export.cancel': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
} satisfies RequestSpecs;
