/** Main-side evaluation handlers: resolve ids to project paths, then ask the engine. */
import type { evaluationRequests } from '../api/evaluation';
import type { StudioContext, StudioHandlersFor } from './capability';

export function evaluationStudioHandlers(_ctx: StudioContext): StudioHandlersFor<typeof evaluationRequests> {
  return {};
}
