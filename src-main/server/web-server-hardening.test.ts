/**
 * Web mode under a hostile client: malformed frames, crafted messages, floods, a client that stops
 * reading, a rebound DNS name. The server must close the offending socket (or refuse the request)
 * and keep serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from './web-server';
import { StudioService } from '../services/studio-service';
import { scriptEngineHost } from '../test-support/engine';
import { encodeFrame, rawWebSocket, type RawFrame } from '../test-support/raw-socket';
import type { EngineHost } from '../services/engine-host';

const token = 'b'.repeat(48);
// An engine that starts and then never answers: every engine request stays in flight.
const silentEngine = `process.send({ kind: 'ready', backend: { active: 'cpu', provider: 'x', attempts: [], customKernels: [], tfjsVersion: '0' } }); process.on('message', () => {});`;
let server: WebServer;
let engine: EngineHost;
let service: StudioService;
const logged: string[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-studio-hostile-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  engine = scriptEngineHost(silentEngine);
  service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0.0.0-test', mode: 'web', platform: 'linux' } });
  await service.openProject(dir, { create: true });
  await engine.start();
  server = await startWebServer({
    service,
    staticDir: dir,
    token,
    limits: { maxInFlight: 8, coalesceAboveBytes: 32 << 10, dropAboveBytes: 256 << 10 },
    log: (message) => logged.push(message),
  });
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
});

const authHeaders = () => ({ Origin: `http://127.0.0.1:${server.port}`, Cookie: `gan_studio_token=${token}` });

function client(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: authHeaders() });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function replies(ws: WebSocket, count: number): Promise<{ id: number; reply: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }[]> {
  return new Promise((resolve) => {
    const got: { id: number; reply: { ok: boolean; error?: { code: string; message: string } } }[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data));
      if (message.kind !== 'reply') return;
      got.push(message);
      if (got.length === count) {
        ws.off('message', onMessage);
        resolve(got);
      }
    };
    ws.on('message', onMessage);
  });
}

/** The proof that the server still serves: a fresh authorised client gets an answer. */
async function stillServes(): Promise<void> {
  const ws = await client();
  const reply = replies(ws, 1);
  ws.send(JSON.stringify({ id: 1, channel: 'app.info', input: {} }));
  expect((await reply)[0]!.reply).toMatchObject({ ok: true, value: { name: 'GAN Studio' } });
  ws.close();
}

const text = (s: string) => Buffer.from(s);
const malformed: [string, RawFrame, number][] = [
  ['a frame over the 1 MiB limit', { opcode: 1, payload: Buffer.alloc(16), declaredLength: (1 << 20) + 1 }, 1009],
  ['a header declaring 2^31 bytes', { opcode: 1, payload: Buffer.alloc(0), declaredLength: 2 ** 31 }, 1009],
  ['a header declaring more than 2^53 bytes', { opcode: 2, payload: Buffer.alloc(0), declaredLength: 2n ** 63n }, 1009],
  ['invalid UTF-8', { opcode: 1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, 1007],
  ['a reserved opcode', { opcode: 0x3, payload: text('{}') }, 1002],
  ['a reserved control opcode', { opcode: 0xb, payload: text('x') }, 1002],
  ['an unmasked frame', { opcode: 1, payload: text('{"id":1}'), masked: false }, 1002],
  ['RSV1 without an extension', { opcode: 1, payload: text('{"id":1}'), rsv: 4 }, 1002],
  ['a fragmented ping', { opcode: 0x9, payload: text('x'), fin: false }, 1002],
  ['a continuation with nothing to continue', { opcode: 0, payload: text('x') }, 1002],
  ['a close frame with an invalid code', { opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) }, 1002],
];

describe('web mode under a hostile client', () => {
  it.each(malformed)('closes the socket that sent %s, and keeps serving', async (_name, frame, code) => {
    const bystander = await client();
    const raw = await rawWebSocket(server.port, authHeaders());
    raw.socket.write(encodeFrame(frame));
    expect((await raw.closed).code).toBe(code);
    expect(bystander.readyState).toBe(WebSocket.OPEN);
    bystander.close();
    await stillServes();
  });

  it('answers a 5000-deep channel with invalid-request', async () => {
    const ws = await client();
    const reply = replies(ws, 1);
    ws.send(`{"id":1,"channel":${'['.repeat(5000)}${']'.repeat(5000)},"input":{}}`);
    expect((await reply)[0]!.reply).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    ws.close();
  });

  it('refuses requests past the in-flight limit at once instead of queueing them', async () => {
    const ws = await client();
    const got = replies(ws, 12);
    // dataset.demo goes to the engine, which never answers: 8 stay in flight, 12 are refused.
    for (let id = 1; id <= 20; id++) ws.send(JSON.stringify({ id, channel: 'dataset.demo', input: {} }));
    const answered = await got;
    expect(answered.map((m) => m.id)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(answered[0]!.reply.error?.message).toMatch(/^Too many requests at once/);
    ws.terminate();
  });

  it('drops a client that stops reading, with 1013, instead of buffering without limit', async () => {
    const raw = await rawWebSocket(server.port, authHeaders());
    raw.socket.pause(); // Reads nothing from now on.
    const before = server.clients();
    let sent = 0;
    while (server.clients() === before && sent < 2_000_000) {
      for (let i = 0; i < 500; i++) service.navigate('training');
      sent += 500;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.clients()).toBe(before - 1);
    expect(logged.some((line) => line.includes('dropped a client that stopped reading'))).toBe(true);
    raw.socket.destroy();
    await stillServes();
  });

  it('answers only to loopback names on its own port (DNS rebinding)', async () => {
    const status = (hostHeader: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ port: server.port, host: '127.0.0.1', path: `/?token=${token}`, headers: { Host: hostHeader } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example')).toBe(421);
    expect(await status(`evil.example:${server.port}`)).toBe(421);
    expect(await status('127.0.0.1:1')).toBe(421);
    expect(await status(`localhost:${server.port}`)).toBe(200);
    expect(await status(`127.0.0.1:${server.port}`)).toBe(200);
    await expect(rawWebSocket(server.port, { ...authHeaders() }, '/api/ws')).resolves.toBeTruthy();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: { ...authHeaders(), Host: 'evil.example' } });
        ws.once('open', resolve);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.once('error', reject);
      }),
    ).rejects.toThrow('HTTP 421');
  });

  it('an over-long upload name gets a message that says what to do, not a bare 500', async () => {
    // Each name is allowed (≤ 255), the whole path is not (past the file system's PATH_MAX).
    const name = Array.from({ length: 20 }, () => 'n'.repeat(250)).join('/');
    const res = await fetch(`http://127.0.0.1:${server.port}/api/upload/${'d'.repeat(32)}/${name}.png`, {
      method: 'POST',
      body: 'x',
      headers: { origin: `http://127.0.0.1:${server.port}`, cookie: `gan_studio_token=${token}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/name is too long .*Rename it, then upload again/);
  });
});
