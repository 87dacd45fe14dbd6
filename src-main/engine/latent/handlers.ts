/** The engine's explore request handlers. */
import type { exploreEngineRequests } from '../../api/explore';
import type { EngineContext, HandlersFor } from '../capability';

export function exploreHandlers(_ctx: EngineContext): HandlersFor<typeof exploreEngineRequests> {
  return {};
}
