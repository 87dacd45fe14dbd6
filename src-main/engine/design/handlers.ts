/** The engine's model design request handlers. */
import type { modelDesignEngineRequests } from '../../api/model-design';
import type { EngineContext, HandlersFor } from '../capability';

export function modelDesignHandlers(_ctx: EngineContext): HandlersFor<typeof modelDesignEngineRequests> {
  return {};
}
