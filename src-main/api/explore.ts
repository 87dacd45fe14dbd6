/**
 * The latent-space explorer: seeds, interpolation, truncation and directions on a run's checkpoints.
 * `exploreRequests` are the StudioApi channels (renderer → main), `exploreEngineRequests` the engine's (main →
 * engine), `exploreEvents` events the engine emits and main forwards to the renderer unchanged.
 */
import type { EventSpecs, RequestSpecs } from './rpc';

export const exploreRequests = {} satisfies RequestSpecs;

export const exploreEngineRequests = {} satisfies RequestSpecs;

export const exploreEvents = {} satisfies EventSpecs;
