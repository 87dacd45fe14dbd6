/** The engine's side of the Learn playground: the same channels as the StudioApi (main forwards them). */
import { learnRequests } from '../../api/learn';

export const learnEngineRequests = learnRequests;
