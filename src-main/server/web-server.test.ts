import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from './web-server';
import { StudioService } from '../services/studio-service';
import { sourceEngineHost } from '../test-support/engine';
import { call } from '../test-support/ws-call';
import type { EngineHost } from '../services/engine-host';

let server: WebServer;
let engine: EngineHost;
let base: string;

beforeAll(async () => {
  const staticDir = await mkdtemp(join(tmpdir(), 'gan-studio-web-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>GAN Studio</title>');
  await writeFile(join(staticDir, 'app.js'), 'console.log(1)');
  await writeFile(join(tmpdir(), 'gan-studio-secret.txt'), 'secret');
  engine = sourceEngineHost();
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0.0.0-test', mode: 'web', platform: 'linux' } });
  await service.openProject(staticDir, { create: true });
  await engine.start();
  server = await startWebServer({ service, staticDir, token: 'a'.repeat(48) });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
});

function openSocket(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('web mode HTTP', () => {
  it('binds to loopback and prints a tokenised URL', () => {
    expect(server.url).toBe(`${base}/?token=${'a'.repeat(48)}`);
  });

  it('refuses requests without the token', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
  });

  it('serves the page with the token, sets a strict cookie and a CSP', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const asset = await fetch(`${base}/app.js`, { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    const token = `token=${server.token}`;
    for (const path of ['/../gan-studio-secret.txt', '/%2e%2e/gan-studio-secret.txt', '/..%2fgan-studio-secret.txt', '/%00']) {
      expect((await fetch(`${base}${path}?${token}`)).status).toBe(404);
    }
    expect((await fetch(`${base}/?${token}`, { method: 'POST' })).status).toBe(405);
  });
});

describe('web mode WebSocket', () => {
  const origin = () => ({ origin: base });

  it('refuses a socket without the token', async () => {
    await expect(openSocket(origin())).rejects.toThrow('HTTP 401');
  });

  it('refuses a socket from another origin even with the token', async () => {
    await expect(openSocket({ origin: 'http://evil.example' }, `?token=${server.token}`)).rejects.toThrow('HTTP 403');
    await expect(openSocket({}, `?token=${server.token}`)).rejects.toThrow('HTTP 403');
  });

  it('answers StudioApi requests and validates payloads', async () => {
    const ws = await openSocket({ ...origin(), cookie: `gan_studio_token=${server.token}` });
    try {
      expect(await call(ws, 1, 'app.info', {})).toEqual({ ok: true, value: { name: 'GAN Studio', version: '0.0.0-test', mode: 'web', platform: 'linux' } });
      expect((await call(ws, 2, 'no.such.channel', {})).error?.code).toBe('unknown-channel');
      const bad = await call(ws, 3, 'samples.preview', { architecture: 'dcgan', rows: 99 });
      expect(bad.ok).toBe(false);
      expect(bad.error?.code).toBe('invalid-request');
      expect(bad.error?.issues?.some((i) => i.startsWith('rows:'))).toBe(true);
      const status = await call(ws, 4, 'engine.status', {});
      expect(status).toMatchObject({ ok: true, value: { state: 'ready', backend: { active: 'wasm' } } });
    } finally {
      ws.close();
    }
  });

  it('closes a socket that sends garbage, and keeps serving others', async () => {
    const ws = await openSocket({ ...origin(), cookie: `gan_studio_token=${server.token}` });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(1007);
    const again = await openSocket({ ...origin(), cookie: `gan_studio_token=${server.token}` });
    expect((await call(again, 1, 'app.info', {})).ok).toBe(true);
    again.close();
  });
});
