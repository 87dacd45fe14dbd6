/**
 * Exports: sample grids, image sets, animations, HTML galleries and the generator itself, each with a sidecar.
 * `exportRequests` are the StudioApi channels (renderer → main), `exportEngineRequests` the engine's (main →
 * engine), `exportEvents` events the engine emits and main forwards to the renderer unchanged.
 */
import type { EventSpecs, RequestSpecs } from './rpc';

export const exportRequests = {} satisfies RequestSpecs;

export const exportEngineRequests = {} satisfies RequestSpecs;

export const exportEvents = {} satisfies EventSpecs;
