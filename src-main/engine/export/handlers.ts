/** The engine's export request handlers. */
import type { exportEngineRequests } from '../../api/export';
import type { EngineContext, HandlersFor } from '../capability';
import { ExportController } from './controller';

export function exportHandlers(ctx: EngineContext): HandlersFor<typeof exportEngineRequests> {
  const exports = new ExportController(ctx.generators, ctx.emit);
  return {
    'export.run': (input) => exports.run(input),
    'export.cancel': async () => ({ cancelled: exports.cancel() }),
  };
}
