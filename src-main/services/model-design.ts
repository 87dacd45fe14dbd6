/** Main-side model design handlers: resolve ids to project paths, then ask the engine. */
import type { modelDesignRequests } from '../api/model-design';
import type { StudioContext, StudioHandlersFor } from './capability';

export function modelDesignStudioHandlers(_ctx: StudioContext): StudioHandlersFor<typeof modelDesignRequests> {
  return {};
}
