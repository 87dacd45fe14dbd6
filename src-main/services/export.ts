/** Main-side export handlers: resolve ids to project paths, then ask the engine. */
import type { exportRequests } from '../api/export';
import type { StudioContext, StudioHandlersFor } from './capability';

export function exportStudioHandlers(_ctx: StudioContext): StudioHandlersFor<typeof exportRequests> {
  return {};
}
