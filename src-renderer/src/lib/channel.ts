/**
 * The untyped layer under the StudioApi client. Each shell (Electron preload, web-mode WebSocket)
 * only has to move raw replies and events; typing, error unwrapping and event validation live once
 * in transport.ts.
 */
import type { Reply } from '../../../src-main/api/rpc';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  /** Lost or refused; another attempt starts at retryAt (epoch ms). */
  | { kind: 'closed'; retryAt: number };

export interface RawChannel {
  /** Always resolves with a Reply: transport failures arrive as { ok: false } like any other error. */
  request(channel: string, input: unknown): Promise<Reply<unknown>>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /** Calls the listener at once with the current state, then on every change. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function unavailable(message: string): Reply<never> {
  return { ok: false, error: { code: 'engine-unavailable', message } };
}

/** A tiny listener set so both channels share the same subscribe/unsubscribe semantics. */
export function listenerSet<A extends unknown[]>() {
  const listeners = new Set<(...args: A) => void>();
  return {
    add(listener: (...args: A) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(...args: A): void {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (err) {
          // One broken subscriber must not starve the others of events.
          console.error(err);
        }
      }
    },
  };
}
