/**
 * connectStudio(): the renderer's only way to reach main. Picks the Electron bridge when the
 * preload exposed one, else web mode's WebSocket, and turns either into the typed StudioApi.
 */
import {
  studioEvents,
  wire,
  type EventChannel,
  type EventPayload,
  type RequestChannel,
  type RequestInput,
  type RequestOutput,
  type StudioApi,
} from '../../../src-main/api/contract';
import { StudioError, toErrorShape, type Reply } from '../../../src-main/api/rpc';
import { createBridgeChannel } from './bridge-channel';
import { listenerSet, type ConnectionState, type RawChannel } from './channel';
import { createSocketChannel } from './socket-channel';

export type { ConnectionState } from './channel';
export type StudioMode = 'electron' | 'web';

export interface StudioClient extends StudioApi {
  readonly mode: StudioMode;
  /** Electron reports 'open' once; web mode reports every drop and reconnect. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** The single place a Reply becomes a value or a StudioError, for both transports. */
export function unwrapReply<T>(reply: Reply<T>): T {
  if (reply?.ok === true) return reply.value;
  throw new StudioError(toErrorShape(reply?.ok === false ? reply.error : reply));
}

export function createClient(raw: RawChannel, mode: StudioMode): StudioClient {
  const typed = new Map<string, ReturnType<typeof listenerSet<[unknown]>>>();

  raw.onEvent((event, payload) => {
    // Unknown events are dropped and payloads checked, so a version skew between main and the
    // renderer shows up as a console warning rather than a view rendering a half-shaped object.
    if (!Object.hasOwn(studioEvents, event)) return;
    const parsed = studioEvents[event as EventChannel].safeParse(payload);
    if (parsed.success) typed.get(event)?.emit(parsed.data);
    else console.warn(`Ignored malformed '${event}' event`, parsed.error.issues);
  });

  return {
    mode,
    async request<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>> {
      let reply: Reply<unknown>;
      try {
        reply = await raw.request(channel, input);
      } catch (err) {
        // e.g. Electron's invoke rejecting when main's handler throws outside the contract.
        throw err instanceof StudioError ? err : new StudioError(toErrorShape(err));
      }
      return unwrapReply(reply) as RequestOutput<C>;
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = typed.get(event);
      if (!set) typed.set(event, (set = listenerSet<[unknown]>()));
      return set.add(listener as (payload: unknown) => void);
    },
    onConnection: (listener) => raw.onConnection(listener),
  };
}

export function connectStudio(): StudioClient {
  const bridge = window.studioBridge;
  if (bridge) return createClient(createBridgeChannel(bridge), 'electron');
  hideTokenFromAddressBar();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createClient(createSocketChannel(`${scheme}://${location.host}${wire.socketPath}`), 'web');
}

/**
 * The server already answered the first load with an HttpOnly cookie, so the token in the URL has
 * done its job; leaving it visible invites copying it into screenshots, chats and history.
 */
function hideTokenFromAddressBar(): void {
  const url = new URL(location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}
