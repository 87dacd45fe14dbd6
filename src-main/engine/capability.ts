/**
 * What each engine capability (training, latent explorer, export, evaluation, model design) gets
 * to build its request handlers from, and the handler-table type for its slice of the protocol.
 * service.ts composes the slices; a capability never edits another's.
 */
import type { BackendReport } from '../api/schemas';
import type { GeneratorCache } from './sampling';
import type { TrainingHost } from './training/controller';
import type { LearnController } from './learn/controller';
import type { EmitEvent } from './protocol';

export interface EngineContext {
  readonly backend: BackendReport;
  /** Sends an engine event (validated by the host against engineEvents, then forwarded to the renderer). */
  readonly emit: EmitEvent;
  /** The one training run: on the engine thread, or in its own on a CPU backend (training/thread.ts). */
  readonly training: TrainingHost;
  /** Generators loaded from checkpoints, shared by the explorer, export and evaluation. */
  readonly generators: GeneratorCache;
  /** The Learn view's 2-D playground, in its own worker thread. */
  readonly learn: LearnController;
}
