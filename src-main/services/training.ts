/** Main's training handlers: the renderer names runs by id; the engine trains in the open project's runs/. */
import type { trainingRequests } from '../api/training';
import type { HandlersFor } from '../api/rpc';
import { runsDirOf } from '../project/layout';
import type { StudioContext } from './capability';

export function trainingStudioHandlers(ctx: StudioContext): HandlersFor<typeof trainingRequests> {
  const { engine } = ctx;
  return {
    'train.start': async (input) => {
      const status = await engine.request('train.start', { ...input, runsDir: runsDirOf(ctx.requireProject().dir) });
      void ctx.projectChanged();
      return status;
    },
    'train.control': (input) => engine.request('train.control', input),
    'train.update': (input) => engine.request('train.update', input),
    'train.status': () => engine.request('train.status', {}),
    'train.history': () => engine.request('train.history', {}),
  };
}
