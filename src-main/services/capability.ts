/**
 * What each main-side capability gets to build its StudioApi handlers from. The renderer names
 * runs and checkpoints by id; these helpers turn ids into paths inside the open project, so no
 * handler ever touches a path the renderer wrote.
 */
import type { EventChannel, EventPayload } from '../api/contract';
import type { ProjectInfo } from '../api/projects';
import type { EngineHost } from './engine-host';

export interface StudioContext {
  readonly engine: EngineHost;
  /** The open project, or a StudioError('invalid-request') when none is open. */
  requireProject(): ProjectInfo;
  /** The folder of a run of the open project; the id was validated by checkpointRefSchema/runIdSchema. */
  runDir(runId: string): string;
  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void;
  /** Sends the open project's state (runs and all) to every window, after a change. */
  projectChanged(): Promise<void>;
  /** Desktop only: a native "choose folder" dialog (null when cancelled); absent in web mode. */
  chooseFolder?: () => Promise<string | null>;
}
