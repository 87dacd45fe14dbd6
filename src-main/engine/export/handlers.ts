/** The engine's export request handlers. */
import type { exportEngineRequests } from '../protocol/export';
import type { EngineContext } from '../capability';
import type { HandlersFor } from '../../api/rpc';
import { ExportController } from './controller';

export function exportHandlers(ctx: EngineContext): HandlersFor<typeof exportEngineRequests> {
  const exports = new ExportController(ctx.generators, ctx.emit);
  return {
    'export.run': (input) => exports.run(input),
    'export.cancel': async () => ({ cancelled: exports.cancel() }),
  };
}
