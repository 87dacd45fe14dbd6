/**
 * The exported model's example page in a real browser (headless Chromium, as the e2e tests use)
 * with the network blocked: only the export's own files are served. It must draw every canvas, and
 * when its tfjs is missing it must say so on the page instead of staying at "Loading model…".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumExecutable } from '../../../e2e/support/browser';
import { exportRequestSchema } from '../../api/export';
import { ensureGradientsRegistered } from '../ops/gradients';
import { GeneratorCache } from '../sampling';
import { trainTinyRun } from '../sampling/testing';
import { tinyConfig } from '../training/testing-config';
import { runExport } from './run';

const ORIGIN = 'http://export.test';
let browser: Browser;
let dir: string;

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  const run = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, sampleEvery: 2 }));
  const request = exportRequestSchema.parse({ kind: 'model', checkpoint: { runId: run.runId } });
  const result = await runExport({ request, exportsDir: await mkdtemp(join(tmpdir(), 'gan-example-page-')), runDir: run.runDir }, { generators: new GeneratorCache() });
  if (result.status !== 'completed') throw new Error('export not completed');
  dir = result.export.dir;
  const executablePath = chromiumExecutable();
  browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens index.html with only the export's files reachable; every other request is aborted and listed. */
async function openOffline(): Promise<{ page: Page; blocked: string[] }> {
  const context = await browser.newContext();
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      blocked.push(url.href);
      return route.abort('internetdisconnected');
    }
    try {
      const name = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.js') ? 'text/javascript' : name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      await route.fulfill({ status: 200, contentType: type, body: await readFile(join(dir, name)) });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/index.html`);
  return { page, blocked };
}

describe('the exported example page', () => {
  it('draws all 16 canvases offline, with the tfjs build shipped in the export', async () => {
    const { page, blocked } = await openOffline();
    // Page code as strings: this file is type-checked without the DOM library.
    await page.waitForFunction(`document.body.dataset.drawn === '0' || document.getElementById('status').className === 'error'`, null, { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/^Seeds 0–15/);
    const lit = await page.evaluate<number[]>(`Array.from(document.querySelectorAll('canvas'), (canvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let bright = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 0) bright++;
      return bright;
    })`);
    expect(lit).toHaveLength(16);
    expect(lit.every((n) => n > 0), `non-black pixels per canvas: ${lit.join(', ')}`).toBe(true);
    expect(blocked).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('shows on the page why it cannot draw when its tfjs is missing and the CDN is unreachable', async () => {
    await rm(join(dir, 'tf.min.js'));
    const { page, blocked } = await openOffline();
    await page.waitForSelector('#status.error', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/TensorFlow\.js did not load .*tf\.min\.js/);
    expect(blocked.some((url) => url.startsWith('https://cdn.jsdelivr.net/'))).toBe(true);
    await page.context().close();
  }, 90_000);
});
