/** A StudioApi request over a real WebSocket (web mode's wire format), answered by its reply. */
import type WebSocket from 'ws';

export interface WireReply {
  ok: boolean;
  value?: unknown;
  error?: { code: string; issues?: string[] };
}

export function call(ws: WebSocket, id: number, channel: unknown, input: unknown = {}): Promise<WireReply> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data));
      if (message.kind === 'reply' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message.reply);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, input }));
  });
}
