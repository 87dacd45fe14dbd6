/** The engine's training handlers: one run at a time, through the TrainingController. */
import type { HandlersFor } from '../../api/rpc';
import type { EngineContext } from '../capability';
import type { trainingEngineRequests } from '../protocol/training';
import { assertTrainable } from '../../shared/model-design/review';

export function trainingHandlers(ctx: EngineContext): HandlersFor<typeof trainingEngineRequests> {
  const { training, backend } = ctx;
  return {
    'train.start': async (input) => training.start(input.runsDir, assertTrainable(input.config, { backend: backend.active }), input.dataset),
    'train.open': (input) => training.open(input.runDir),
    'train.control': (input) => training.control(input),
    'train.update': async (input) => training.update(input),
    'train.status': async () => training.status(),
    'train.history': () => training.history(),
  };
}
