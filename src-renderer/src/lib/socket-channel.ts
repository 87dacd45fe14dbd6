/**
 * Web mode: one WebSocket back to the origin that served the page. The server authorises it with
 * the HttpOnly cookie it set when the page was opened with ?token=…, so no secret lives in JS.
 */
import type { WireMessage, WireRequest } from '../../../src-main/api/contract';
import type { Reply } from '../../../src-main/api/rpc';
import { listenerSet, unavailable, type ConnectionState, type RawChannel } from './channel';

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export function createSocketChannel(url: string): RawChannel {
  const events = listenerSet<[string, unknown]>();
  const connection = listenerSet<[ConnectionState]>();
  const pending = new Map<number, (reply: Reply<unknown>) => void>();
  /** Requests made while the socket was still opening. */
  let outbox: string[] = [];
  let state: ConnectionState = { kind: 'connecting' };
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let nextId = 1;

  function setState(next: ConnectionState): void {
    state = next;
    connection.emit(next);
  }

  function connect(): void {
    clearTimeout(retryTimer);
    setState({ kind: 'connecting' });
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      setState({ kind: 'open' });
      for (const text of outbox) ws.send(text);
      outbox = [];
    };
    ws.onmessage = (message) => receive(message.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Replies to anything in flight died with the socket; the caller decides whether to retry.
      failAll('Lost the connection to the GAN Studio server.');
      // Exponential backoff with jitter so several tabs do not hammer a restarting server together.
      const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** failures++) * (0.75 + Math.random() * 0.5);
      setState({ kind: 'closed', retryAt: Date.now() + delay });
      retryTimer = setTimeout(connect, delay);
    };
  }

  function failAll(message: string): void {
    const waiting = [...pending.values()];
    pending.clear();
    outbox = [];
    for (const resolve of waiting) resolve(unavailable(message));
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: WireMessage;
    try {
      message = JSON.parse(data) as WireMessage;
    } catch {
      return;
    }
    if (message?.kind === 'reply' && typeof message.id === 'number') {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.reply);
    } else if (message?.kind === 'event' && typeof message.event === 'string') {
      events.emit(message.event, message.payload);
    }
  }

  // Coming back online is a better hint than any backoff timer.
  window.addEventListener('online', () => {
    if (state.kind === 'closed') connect();
  });
  connect();

  return {
    request(channel, input) {
      if (state.kind === 'closed') {
        return Promise.resolve(unavailable('Not connected to the GAN Studio server; reconnecting…'));
      }
      const id = nextId++;
      const text = JSON.stringify({ id, channel, input } satisfies WireRequest);
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (state.kind === 'open' && socket) socket.send(text);
        else outbox.push(text);
      });
    },
    onEvent: (listener) => events.add(listener),
    onConnection(listener) {
      listener(state);
      return connection.add(listener);
    },
  };
}
