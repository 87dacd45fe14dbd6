/**
 * Web mode's downloads end to end below the UI: 'files.download' over the socket gives a one-time
 * link; the link, with the session cookie, streams the file (a folder as a zip); used, lapsed,
 * forged or cookie-less links get nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from './web-server';
import { StudioService } from '../services/studio-service';
import { DownloadTickets } from '../services/downloads';
import { sourceEngineHost } from '../test-support/engine';
import { call } from '../test-support/ws-call';
import type { EngineHost } from '../services/engine-host';
import { preset } from '../api/training';

let server: WebServer;
let engine: EngineHost;
let base: string;
let ws: WebSocket;
let project: string;
const cookie = () => ({ cookie: `gan_studio_token=${server.token}` });

beforeAll(async () => {
  const staticDir = await mkdtemp(join(tmpdir(), 'gan-dl-static-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
  project = join(await mkdtemp(join(tmpdir(), 'gan-dl-')), 'Project');
  engine = sourceEngineHost();
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0', mode: 'web', platform: 'linux' } });
  await engine.start();
  await service.openProject(project, { create: true });
  const grid = join(project, 'exports', 'grid-run-step30');
  await mkdir(join(grid, 'images'), { recursive: true });
  await writeFile(join(grid, 'grid.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  await writeFile(join(grid, 'images', 'seed-1.png'), 'one');
  await writeFile(join(grid, '.partial-x'), 'left out');
  await writeFile(join(project, 'exports', 'Project-stylegan.zip'), 'zip bytes');
  server = await startWebServer({ service, staticDir });
  base = `http://127.0.0.1:${server.port}`;
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: { origin: base, ...cookie() } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
});
afterAll(async () => {
  ws?.close();
  await server?.close();
  await engine?.stop();
});

let id = 0;
async function link(target: unknown): Promise<{ url: string; name: string }> {
  const reply = await call(ws, ++id, 'files.download', { target });
  expect(reply.ok, JSON.stringify(reply.error)).toBe(true);
  return reply.value as { url: string; name: string };
}

describe('web-mode downloads', () => {
  it('stream a file once, with its name, and only with the session cookie', async () => {
    const { url, name } = await link({ kind: 'export', name: 'Project-stylegan.zip' });
    expect(name).toBe('Project-stylegan.zip');
    expect((await fetch(`${base}${url}`)).status).toBe(401);
    // A HEAD request (a link checker, a download manager) does not spend the ticket.
    const head = await fetch(`${base}${url}`, { method: 'HEAD', headers: cookie() });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-disposition')).toContain('Project-stylegan.zip');
    const res = await fetch(`${base}${url}`, { headers: cookie() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Project-stylegan.zip"; filename*=UTF-8''Project-stylegan.zip`);
    expect(await res.text()).toBe('zip bytes');
    // One use only.
    expect((await fetch(`${base}${url}`, { headers: cookie() })).status).toBe(404);
    // A forged ticket gets nothing either.
    expect((await fetch(`${base}/api/download/${'0'.repeat(32)}/x`, { headers: cookie() })).status).toBe(404);
  });

  it('name a run’s config and checkpoint after the run', async () => {
    const runId = '20261206-074234-dcgan-bce-1a2b';
    const runDir = join(project, 'runs', runId);
    await mkdir(join(runDir, 'checkpoints'), { recursive: true });
    await writeFile(join(runDir, 'config.json'), JSON.stringify(preset('dcgan')));
    await writeFile(join(runDir, 'checkpoints', 'ckpt-000000400.gsc'), 'weights');
    expect((await link({ kind: 'run-config', runId })).name).toBe(`${runId}-config.json`);
    const { url, name } = await link({ kind: 'checkpoint', runId, file: 'ckpt-000000400.gsc' });
    expect(name).toBe(`${runId}-ckpt-000000400.gsc`);
    const res = await fetch(`${base}${url}`, { headers: cookie() });
    expect(res.headers.get('content-disposition')).toContain(`filename="${runId}-ckpt-000000400.gsc"`);
    expect(await res.text()).toBe('weights');
  });

  it('zip a folder with its subfolders, leaving dotfiles out', async () => {
    const { url } = await link({ kind: 'export', name: 'grid-run-step30' });
    const res = await fetch(`${base}${url}`, { headers: cookie() });
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('filename="grid-run-step30.zip"');
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['grid.png', 'images/seed-1.png']);
    expect(Array.from(files['grid.png']!)).toEqual([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    expect(strFromU8(files['images/seed-1.png']!)).toBe('one');
  });

  it('refuse names that leave the project, and things that are not there', async () => {
    for (const target of [{ kind: 'export', name: '../../etc' }, { kind: 'run-config', runId: '../x' }, { kind: 'checkpoint', runId: 'r', file: '../../a.gsc' }]) {
      expect((await call(ws, ++id, 'files.download', { target })).ok, JSON.stringify(target)).toBe(false);
    }
    const missing = await call(ws, ++id, 'files.download', { target: { kind: 'export', name: 'gone' } });
    expect(missing.ok).toBe(false);
  });
});

describe('download tickets', () => {
  it('lapse after a minute and never pile up', () => {
    let now = 0;
    const tickets = new DownloadTickets(() => now);
    const first = tickets.issue({ path: '/a', name: 'a' });
    now = 59_000;
    expect(tickets.take(first)).toEqual({ path: '/a', name: 'a' });
    const late = tickets.issue({ path: '/b', name: 'b' });
    now += 60_000;
    expect(tickets.take(late)).toBeNull();
    const many = Array.from({ length: 70 }, (_, i) => tickets.issue({ path: `/${i}`, name: String(i) }));
    expect(tickets.take(many[0]!)).toBeNull(); // the oldest gave way
    expect(tickets.take(many[69]!)).toEqual({ path: '/69', name: '69' });
  });
});
