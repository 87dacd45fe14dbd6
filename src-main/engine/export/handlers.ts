/** The engine's export request handlers. */
import type { exportEngineRequests } from '../../api/export';
import type { EngineContext, HandlersFor } from '../capability';

export function exportHandlers(_ctx: EngineContext): HandlersFor<typeof exportEngineRequests> {
  return {};
}
