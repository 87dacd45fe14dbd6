/**
 * Evaluation: FID, KID, IS, precision/recall and density/coverage of checkpoints against the dataset.
 * `evaluationRequests` are the StudioApi channels (renderer → main), `evaluationEngineRequests` the engine's (main →
 * engine), `evaluationEvents` events the engine emits and main forwards to the renderer unchanged.
 */
import type { EventSpecs, RequestSpecs } from './rpc';

export const evaluationRequests = {} satisfies RequestSpecs;

export const evaluationEngineRequests = {} satisfies RequestSpecs;

export const evaluationEvents = {} satisfies EventSpecs;
