/** The engine's evaluation request handlers. */
import type { evaluationEngineRequests } from '../../api/evaluation';
import type { EngineContext, HandlersFor } from '../capability';

export function evaluationHandlers(_ctx: EngineContext): HandlersFor<typeof evaluationEngineRequests> {
  return {};
}
