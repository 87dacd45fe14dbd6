/**
 * Fuzz: well over a thousand random and hostile frames and messages against a running web-mode
 * server with the real engine behind it. Seeded, so a failure can be replayed. Passing means no
 * crash (an uncaught error fails the run), the engine still ready, and a client that was connected
 * throughout, and a new one, both still answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from './web-server';
import { StudioService } from '../services/studio-service';
import { sourceEngineHost } from '../test-support/engine';
import { call } from '../test-support/ws-call';
import { encodeFrame, rawWebSocket } from '../test-support/raw-socket';
import { studioRequests } from '../api/contract';
import type { EngineHost } from '../services/engine-host';

const token = 'c'.repeat(48);
let server: WebServer;
let engine: EngineHost;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-studio-fuzz-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  engine = sourceEngineHost();
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0.0.0-test', mode: 'web', platform: 'linux' } });
  await service.openProject(dir, { create: true });
  await engine.start();
  server = await startWebServer({ service, staticDir: dir, token, log: () => undefined });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await engine?.stop();
});

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(14);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (n: number) => Math.floor(random() * n);

// Channels that would change the machine for the rest of the run are left to their own tests.
const channels = Object.keys(studioRequests).filter((c) => !['engine.restart', 'train.start', 'dataset.import', 'dataset.exportStyleGan', 'runs.delete'].includes(c));

function hostileValue(depth = 0): unknown {
  switch (int(depth > 3 ? 9 : 12)) {
    case 0: return null;
    case 1: return pick([0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, -2147483648]);
    case 2: return pick(['', 'x'.repeat(int(5000)), '../../etc/passwd', '\u0000', '\ud800', '🙂'.repeat(50), '__proto__', 'constructor']);
    case 3: return random() < 0.5;
    case 4: {
      const n = 1 + int(3000);
      return JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);
    }
    case 5: return { __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } };
    case 6: return Array.from({ length: int(50) }, () => int(1000));
    case 7: return { runId: pick(['../x', 'run-1', '/etc', '']), name: hostileValue(depth + 1) };
    case 8: return pick([{}, [], '{}']);
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(5); i > 0; i--) o[pick(['source', 'options', 'kind', 'runId', 'rows', 'seed', 'path', 'x'])] = hostileValue(depth + 1);
      return o;
    }
  }
}

/** One hostile text message: valid or broken JSON, good or bad envelopes, odd encodings. */
function hostileMessage(): string | Buffer {
  switch (int(10)) {
    case 0: return Buffer.from(Array.from({ length: int(200) }, () => int(256))); // random bytes (often bad UTF-8)
    case 1: return '{"id":1,"channel":"app.info","input":' + '{"a":'.repeat(int(4000)) + '1' + '}'.repeat(int(4000));
    case 2: return JSON.stringify(hostileValue());
    case 3: return JSON.stringify({ id: hostileValue(), channel: pick(channels), input: {} });
    case 4: return `{"id":${int(100)},"channel":"app.info"`; // truncated
    default: return JSON.stringify({ id: int(1e6), channel: random() < 0.9 ? pick(channels) : hostileValue(), input: hostileValue() });
  }
}

function client(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: { Origin: `http://127.0.0.1:${server.port}`, Cookie: `gan_studio_token=${token}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('web mode fuzz', () => {
  it('survives 1,200 hostile messages and 300 malformed raw frames', async () => {
    const bystander = await client();
    bystander.on('error', () => undefined);
    // Hostile frames make the server close our socket: its errors are expected, one listener each.
    const hostileClient = async () => (await client()).on('error', () => undefined);
    let ws = await hostileClient();
    let sent = 0;
    for (let i = 0; i < 1200; i++) {
      if (ws.readyState !== WebSocket.OPEN) ws = await hostileClient();
      const message = hostileMessage();
      ws.send(message, { binary: random() < 0.05 });
      sent++;
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    ws.terminate();
    const headers = { Origin: `http://127.0.0.1:${server.port}`, Cookie: `gan_studio_token=${token}` };
    for (let i = 0; i < 300; i++) {
      const raw = await rawWebSocket(server.port, headers);
      const payload = Buffer.from(Array.from({ length: int(64) }, () => int(256)));
      const frame =
        random() < 0.5
          ? encodeFrame({ opcode: int(16), payload, fin: random() < 0.7, rsv: int(8), masked: random() < 0.8, ...(random() < 0.2 ? { declaredLength: int(2 ** 31) } : {}) })
          : Buffer.from(Array.from({ length: 2 + int(40) }, () => int(256))); // not even a frame
      raw.socket.write(frame);
      sent++;
      raw.socket.end();
      await raw.closed;
    }
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(engine.status().state).toBe('ready');
    expect(bystander.readyState).toBe(WebSocket.OPEN);
    expect(await call(bystander, 1, 'app.info')).toMatchObject({ ok: true });
    const fresh = await client();
    expect(await call(fresh, 2, 'engine.status')).toMatchObject({ ok: true, value: { state: 'ready' } });
    expect(await call(fresh, 3, 'dataset.demo')).toMatchObject({ ok: true, value: { id: 'demo:mnist' } });
    fresh.close();
    bystander.close();
  }, 120_000);
});
