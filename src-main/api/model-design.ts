/**
 * Model design: named configs in the project, validation, layer tables and measured cost before training.
 * `modelDesignRequests` are the StudioApi channels (renderer → main), `modelDesignEngineRequests` the engine's (main →
 * engine), `modelDesignEvents` events the engine emits and main forwards to the renderer unchanged.
 */
import type { EventSpecs, RequestSpecs } from './rpc';

export const modelDesignRequests = {} satisfies RequestSpecs;

export const modelDesignEngineRequests = {} satisfies RequestSpecs;

export const modelDesignEvents = {} satisfies EventSpecs;
