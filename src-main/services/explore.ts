/** Main-side explore handlers: resolve ids to project paths, then ask the engine. */
import type { exploreRequests } from '../api/explore';
import type { StudioContext, StudioHandlersFor } from './capability';

export function exploreStudioHandlers(_ctx: StudioContext): StudioHandlersFor<typeof exploreRequests> {
  return {};
}
