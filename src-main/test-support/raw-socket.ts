/**
 * A WebSocket client written by hand over net.Socket, for frames no well-behaved library will
 * send: oversized or lying length headers, unmasked frames, reserved bits and opcodes, bad UTF-8.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawFrame {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  rsv?: number;
  masked?: boolean;
  /** A length to declare instead of the payload's own (a lie). */
  declaredLength?: number | bigint;
}

export function encodeFrame({ opcode, payload, fin = true, rsv = 0, masked = true, declaredLength }: RawFrame): Buffer {
  const length = declaredLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf)];
  const maskBit = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (typeof length === 'bigint' || length > 0xffff) {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(length));
  } else if (length > 125) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(length);
  } else head.push(maskBit | length);
  if (!masked) return Buffer.concat([Buffer.from(head), ext, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(head), ext, mask, body]);
}

export interface RawConnection {
  socket: Socket;
  /** Resolves when the server ends the connection, with the close code it sent, if any. */
  closed: Promise<{ code: number | null }>;
}

/** Completes the HTTP upgrade by hand; resolves once the server answered 101. */
export function rawWebSocket(port: number, headers: Record<string, string>, path = '/api/ws'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    let resolveClosed!: (value: { code: number | null }) => void;
    const closed = new Promise<{ code: number | null }>((r) => (resolveClosed = r));
    socket.on('error', () => undefined); // A reset is one of the ways a server may close.
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = received.subarray(0, end).toString('latin1').split('\r\n')[0]!;
        if (!status.includes(' 101 ')) return reject(new Error(status));
        upgraded = true;
        received = received.subarray(end + 4);
        resolve({ socket, closed });
      }
    });
    socket.on('close', () => resolveClosed({ code: closeCodeIn(received) }));
    socket.on('connect', () => {
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  });
}

/** The status code of the first close frame among the server's frames. */
function closeCodeIn(data: Buffer): number | null {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at]! & 0xf;
    let length = data[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = data.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(data.readBigUInt64BE(offset));
      offset += 8;
    }
    if (opcode === 0x8) return length >= 2 ? data.readUInt16BE(offset) : null;
    at = offset + length;
  }
  return null;
}
