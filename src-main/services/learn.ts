/** Main's Learn handlers: the playground lives in the engine; main validates and forwards. */
import type { learnRequests } from '../api/learn';
import type { HandlersFor } from '../api/rpc';
import type { StudioContext } from './capability';

export function learnStudioHandlers(ctx: StudioContext): HandlersFor<typeof learnRequests> {
  return {
    'learn.configure': (input) => ctx.engine.request('learn.configure', input),
    'learn.step': (input) => ctx.engine.request('learn.step', input),
    'learn.play': (input) => ctx.engine.request('learn.play', input),
    'learn.pause': (input) => ctx.engine.request('learn.pause', input),
    'learn.reset': (input) => ctx.engine.request('learn.reset', input),
    'learn.state': (input) => ctx.engine.request('learn.state', input),
  };
}
