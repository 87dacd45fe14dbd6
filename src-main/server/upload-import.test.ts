/**
 * Web mode end to end below the UI: upload a folder's files over HTTP, import them through
 * StudioApi, and train on the result — the real server, services and engine process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from './web-server';
import { StudioService } from '../services/studio-service';
import { sourceEngineHost } from '../test-support/engine';
import { mnistPng } from '../engine/dataset/testing';
import { tinyConfig } from '../engine/training/testing-config';
import type { EngineHost } from '../services/engine-host';

let server: WebServer;
let engine: EngineHost;
let projectDir: string;
let base: string;
const cookie = () => `gan_studio_token=${server.token}`;

beforeAll(async () => {
  const staticDir = await mkdtemp(join(tmpdir(), 'gan-web-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
  projectDir = join(await mkdtemp(join(tmpdir(), 'gan-proj-')), 'Digits');
  engine = sourceEngineHost();
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version: '0', mode: 'web', platform: 'linux' } });
  await engine.start();
  await service.openProject(projectDir, { create: true });
  server = await startWebServer({ service, staticDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
});

const upload = (uploadId: string, path: string, body: Uint8Array | string, headers: Record<string, string> = { origin: base, cookie: cookie() }) =>
  fetch(`${base}/api/upload/${uploadId}/${path.split('/').map(encodeURIComponent).join('/')}`, { method: 'POST', body, headers });

function call(channel: string, input: unknown, onEvent?: (event: string, payload: unknown) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: { origin: base, cookie: cookie() } });
    ws.once('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, channel, input })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.kind === 'event') onEvent?.(message.event, message.payload);
      if (message.kind === 'reply') {
        ws.close();
        resolve(message.reply);
      }
    });
  });
}

describe('web-mode upload and import', () => {
  it('refuses uploads without the token, from another origin, or outside the upload folder', async () => {
    const id = randomBytes(16).toString('hex');
    expect((await upload(id, 'a.png', 'x', { origin: base })).status).toBe(403);
    expect((await upload(id, 'a.png', 'x', { origin: 'http://evil.example', cookie: cookie() })).status).toBe(403);
    expect((await upload('not-an-id', 'a.png', 'x')).status).toBe(400);
    for (const path of ['../escape.png', 'a/../../b.png', 'a\\b.png', '.']) expect((await upload(id, path, 'x')).status).toBe(400);
    expect(await readdir(projectDir)).not.toContain('escape.png');
  });

  it('imports uploaded files, reports the bad ones, and trains on the result', async () => {
    const id = randomBytes(16).toString('hex');
    for (const digit of [3, 7]) {
      for (let k = 0; k < 6; k++) expect((await upload(id, `${digit}/img-${k}.png`, await mnistPng(digit, k))).status).toBe(204);
    }
    await upload(id, '7/broken.png', 'this is not a png');
    await upload(id, 'notes.txt', 'hello');

    const progress: unknown[] = [];
    const reply = await call(
      'dataset.import',
      { source: { kind: 'upload', uploadId: id }, options: { width: 28, height: 28, channels: 1, labelsFromFolders: true } },
      (event, payload) => event === 'dataset.progress' && progress.push(payload),
    );
    expect(reply.ok, JSON.stringify(reply.error)).toBe(true);
    const report = reply.value.report;
    expect(report.imported).toBe(12);
    expect(report.skipped.map((s: { path: string; code: string }) => [s.path, s.code]).sort()).toEqual([
      ['7/broken.png', 'unsupported'],
      ['notes.txt', 'not-image'],
    ]);
    expect(progress.length).toBeGreaterThan(0);
    // The uploaded copies are removed once imported.
    expect(await readdir(join(projectDir, '.uploads'))).toEqual([]);

    const dataset = await call('dataset.project', {});
    expect(dataset.value.summary).toMatchObject({ count: 12, width: 28, channels: 1, classes: [{ name: '3', count: 6 }, { name: '7', count: 6 }] });
    expect(dataset.value.skipped).toHaveLength(2);

    // The same images as StyleGAN2-ADA's dataset zip, in the project's exports folder.
    const exportProgress: unknown[] = [];
    const exported = await call('dataset.exportStyleGan', {}, (event, payload) => event === 'dataset.exportProgress' && exportProgress.push(payload));
    expect(exported.ok, JSON.stringify(exported.error)).toBe(true);
    const { result } = exported.value;
    expect(result).toMatchObject({ images: 12, labelled: true, warnings: [expect.stringMatching(/square power-of-two/)] });
    expect(dirname(result.path)).toBe(join(projectDir, 'exports'));
    const zip = unzipSync(await readFile(result.path));
    expect(Object.keys(zip).filter((name) => name.endsWith('.png'))).toHaveLength(12);
    const labels = JSON.parse(strFromU8(zip['dataset.json']!)).labels as [string, number][];
    expect(labels.map(([, label]) => label).sort()).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(exportProgress.at(-1)).toEqual({ done: 12, total: 12 });

    const config = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 2, dNorm: 'none' }, steps: 2 });
    const started = await call('train.start', { config, dataset: 'project' });
    expect(started.ok, JSON.stringify(started.error)).toBe(true);
    // Ended here, not left for the next test to trip over (replicas take a moment to start).
    await call('train.control', { action: 'stop' });
  });
});

describe('several datasets in one project', () => {
  /** Uploads `count` images of `digit` under a fresh upload id. */
  async function uploadDigits(digit: number, count: number): Promise<string> {
    const id = randomBytes(16).toString('hex');
    for (let k = 0; k < count; k++) expect((await upload(id, `${digit}/img-${k}.png`, await mnistPng(digit, k))).status).toBe(204);
    return id;
  }
  const importAs = async (uploadId: string, name: string, target: string = 'new') => {
    const events: { list: { id: string; name: string; count: number }[]; changed: string | null }[] = [];
    const reply = await call(
      'dataset.import',
      { source: { kind: 'upload', uploadId }, options: { width: 28, height: 28, channels: 1, labelsFromFolders: true }, name, target },
      (event, payload) => event === 'dataset.changed' && events.push(payload as (typeof events)[number]),
    );
    expect(reply.ok, JSON.stringify(reply.error)).toBe(true);
    return { reply: reply.value, event: events.at(-1) };
  };

  it('keeps each import as its own dataset, updates one only when asked to, trains on the one chosen, and deletes one without touching the rest', async () => {
    const before = (await call('dataset.list', {})).value as { id: string }[];
    const fives = await importAs(await uploadDigits(5, 4), 'Fives');
    expect(fives.reply.dataset).toBe('project:fives');
    const ones = await importAs(await uploadDigits(1, 3), 'Ones');
    expect(ones.reply.dataset).toBe('project:ones');
    // Every window hears the whole list and which one changed.
    expect(ones.event!.changed).toBe('project:ones');
    const list = (await call('dataset.list', {})).value as { id: string; name: string; count: number; width: number }[];
    expect(list.slice(before.length).map((d) => [d.id, d.name, d.count, d.width])).toEqual([
      ['project:fives', 'Fives', 4, 28],
      ['project:ones', 'Ones', 3, 28],
    ]);
    // The first import of the project is untouched by either.
    expect((await call('dataset.project', {})).value.summary.count).toBe(12);

    // Each dataset's own images and thumbnails.
    const shown = await call('dataset.project', { dataset: 'project:ones' });
    expect(shown.value.summary).toMatchObject({ id: 'project:ones', name: 'Ones', count: 3, classes: [{ name: '1', count: 3 }] });
    expect((await call('dataset.thumbnails', { dataset: 'project:fives', offset: 0, count: 10 })).value.total).toBe(4);

    // A re-import the user agreed to update replaces that dataset's images and keeps its name.
    const again = await importAs(await uploadDigits(5, 6), 'Fives', 'project:fives');
    expect(again.reply.dataset).toBe('project:fives');
    expect((await call('dataset.project', { dataset: 'project:fives' })).value.summary.count).toBe(6);
    expect((await call('dataset.list', {})).value).toHaveLength(before.length + 2);

    // A run on the chosen dataset records it; the run's data is that dataset's.
    const config = tinyConfig({ steps: 1 });
    const started = await call('train.start', { config, dataset: 'project:ones' });
    expect(started.ok, JSON.stringify(started.error)).toBe(true);
    const runFile = JSON.parse(await readFile(join(projectDir, 'runs', started.value.runId, 'run.json'), 'utf8'));
    expect(runFile.dataset).toBe('project:ones');
    await call('train.control', { action: 'stop' });

    // Deleting one leaves the others; the folder goes, and so does the dataset from the list.
    const deleted = await call('dataset.delete', { dataset: 'project:fives' });
    expect(deleted.value).toEqual({ deleted: true });
    expect(((await call('dataset.list', {})).value as { id: string }[]).map((d) => d.id)).not.toContain('project:fives');
    expect(await readdir(join(projectDir, 'datasets'))).toEqual(['ones']);
    expect((await call('dataset.project', { dataset: 'project:fives' })).value).toBeNull();
    const refused = await call('train.start', { config, dataset: 'project:fives' });
    expect(refused.ok).toBe(false);
    expect(refused.error.message).toMatch(/“fives” is not in this project/);

    // A deleted dataset's ref that a run still names is never given to a new import: the run must
    // not silently train or be evaluated on other images.
    expect((await call('dataset.delete', { dataset: 'project:ones' })).value).toEqual({ deleted: true });
    const onesAgain = await importAs(await uploadDigits(1, 3), 'Ones');
    expect(onesAgain.reply.dataset).toBe('project:ones-2');
    // A ref no run names can be used again.
    const fivesAgain = await importAs(await uploadDigits(5, 3), 'Fives');
    expect(fivesAgain.reply.dataset).toBe('project:fives');
  });

  it('refuses dataset refs that could leave the project', async () => {
    for (const dataset of ['project:../x', 'project:', 'project:A', 'project:a/b', '../dataset']) {
      const reply = await call('dataset.project', { dataset });
      expect(reply.ok, dataset).toBe(false);
    }
  });
});
