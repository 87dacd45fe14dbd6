/** The engine's Learn request handlers: each is one call into the playground's worker. */
import type { HandlersFor } from '../../api/rpc';
import type { EngineContext } from '../capability';
import type { learnEngineRequests } from '../protocol/learn';

export function learnHandlers({ learn }: EngineContext): HandlersFor<typeof learnEngineRequests> {
  return {
    'learn.configure': ({ settings }) => learn.call({ method: 'configure', settings }),
    'learn.step': ({ n }) => learn.call({ method: 'step', n }),
    'learn.play': () => learn.call({ method: 'play' }),
    'learn.pause': () => learn.call({ method: 'pause' }),
    'learn.reset': () => learn.call({ method: 'reset' }),
    'learn.state': () => learn.call({ method: 'state' }),
  };
}
