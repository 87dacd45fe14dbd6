/**
 * One authorised WebSocket in web mode. Nothing a client sends may take the server down: protocol
 * errors (oversized, malformed or unmasked frames, invalid UTF-8) close that socket with the code
 * `ws` chose; bad JSON and envelopes close it with 1007/1008; requests past the in-flight limit are
 * answered at once with an error instead of queueing; and a client that stops reading has its
 * image events skipped (the next one supersedes them) and is dropped with 1013 when its buffer
 * still grows.
 */
import type { WebSocket } from 'ws';
import type { WireMessage } from '../api/contract';
import type { Reply } from '../api/rpc';

export interface ConnectionLimits {
  /** Requests one socket may have waiting for a reply; more are refused, not queued. */
  maxInFlight: number;
  /** Past this many unsent bytes, superseded events (sample images) are skipped. */
  coalesceAboveBytes: number;
  /** Past this many unsent bytes, the client is too slow and is dropped with close code 1013. */
  dropAboveBytes: number;
}

export const defaultLimits: ConnectionLimits = {
  maxInFlight: 64,
  coalesceAboveBytes: 1 << 20,
  dropAboveBytes: 16 << 20,
};

/** Events whose next occurrence makes the previous one worthless: a slow client may miss some. */
const supersededEvents = new Set(['train.samples', 'train.status', 'engine.status']);

export const closeCodes = {
  binary: 1003,
  invalidJson: 1007,
  policy: 1008,
  tooSlow: 1013,
} as const;

export type Handle = (channel: unknown, input: unknown) => Promise<Reply<unknown>>;

export class Connection {
  private inFlight = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly handle: Handle,
    private readonly limits: ConnectionLimits,
    private readonly log: (message: string) => void,
  ) {
    // Without a listener, `ws` re-throws a protocol error as an uncaught exception. It has already
    // closed the socket with the matching code (1009 too big, 1002 protocol, 1007 bad UTF-8…).
    ws.on('error', (err) => this.log(`web mode: closed a socket after a protocol error: ${err.message}`));
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
  }

  /** Sends an event, unless the client is not keeping up. */
  event(event: string, payload: unknown): void {
    this.send(() => JSON.stringify({ kind: 'event', event, payload } satisfies WireMessage), supersededEvents.has(event));
  }

  private send(text: () => string, superseded: boolean): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const buffered = this.ws.bufferedAmount;
    if (buffered > this.limits.dropAboveBytes) {
      this.log(`web mode: dropped a client that stopped reading (${buffered} bytes unsent)`);
      this.ws.close(closeCodes.tooSlow, 'too slow: reload the page to reconnect');
      // The close frame waits behind the unsent bytes; a client that reads nothing never gets it.
      this.ws.terminate();
      return;
    }
    if (superseded && buffered > this.limits.coalesceAboveBytes) return;
    this.ws.send(text());
  }

  private receive(data: unknown, isBinary: boolean): void {
    if (isBinary) return this.ws.close(closeCodes.binary, 'text frames only');
    let request: { id?: unknown; channel?: unknown; input?: unknown };
    try {
      request = JSON.parse(String(data)) as typeof request;
    } catch {
      return this.ws.close(closeCodes.invalidJson, 'invalid JSON');
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request) || !Number.isSafeInteger(request.id)) {
      return this.ws.close(closeCodes.policy, 'a request needs a numeric id');
    }
    const id = request.id as number;
    if (this.inFlight >= this.limits.maxInFlight) {
      const message = `Too many requests at once (${this.limits.maxInFlight} are waiting for a reply): wait for them, then send this again.`;
      this.reply(id, { ok: false, error: { code: 'invalid-request', message } });
      return;
    }
    this.inFlight++;
    this.handle(request.channel, request.input)
      .catch((err: unknown) => ({ ok: false as const, error: { code: 'internal' as const, message: err instanceof Error ? err.message : String(err) } }))
      .then((reply) => {
        this.inFlight--;
        this.reply(id, reply);
      })
      .catch((err: unknown) => this.log(`web mode: could not send a reply: ${err instanceof Error ? err.message : String(err)}`));
  }

  private reply(id: number, reply: Reply<unknown>): void {
    this.send(() => {
      try {
        return JSON.stringify({ kind: 'reply', id, reply } satisfies WireMessage);
      } catch (err) {
        const message = `The reply could not be encoded (${err instanceof Error ? err.message : String(err)}).`;
        return JSON.stringify({ kind: 'reply', id, reply: { ok: false, error: { code: 'internal', message } } } satisfies WireMessage);
      }
    }, false);
  }
}
