/**
 * Export from the Gallery view in web mode, end to end: train a tiny run, export an 8×8 grid, a
 * looping interpolation GIF and the model, see them listed, find their files on disk, and make the
 * grid again from its sidecar, byte for byte, and open it in the explorer.
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { unzipSync } from 'fflate';
import { test, expect } from './support/web-mode';
import { trainRunInApp } from './support/runs';

test.describe.configure({ mode: 'serial' });

const trainTinyRun = (app: Page) => trainRunInApp(app, { steps: 20 });

async function exportNow(app: Page, name: string): Promise<string> {
  const form = app.getByRole('form', { name: 'New export' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByRole('button', { name: 'Export', exact: true }).click();
  const dir = app.getByTestId('last-export-dir');
  await expect(dir).toHaveText(new RegExp(`[/\\\\]exports[/\\\\]${name}$`), { timeout: 60_000 });
  return (await dir.textContent())!;
}

test('a grid, a looping GIF and the model are exported from the Gallery and found on disk', async ({ app }) => {
  const runId = await trainTinyRun(app);

  await app.getByRole('navigation').getByText('Gallery', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New export' });
  await form.getByLabel('Run', { exact: true }).selectOption(runId);
  await expect(form.getByLabel('Checkpoint', { exact: true })).toContainText('Newest (step 20)');

  // An 8×8 grid with seed captions.
  await form.getByText('Grid PNG', { exact: true }).click();
  await form.getByLabel('Rows', { exact: true }).fill('8');
  await form.getByLabel('Columns', { exact: true }).fill('8');
  await form.getByRole('group', { name: 'Captions' }).getByText('Seed', { exact: true }).click();
  const gridDir = await exportNow(app, 'digits-grid');
  const grid = await sharp(join(gridDir, 'grid.png')).metadata();
  expect(grid.width).toBe(8 * 56 + 9 * 2);
  const gridSidecar = JSON.parse(await readFile(join(gridDir, 'sidecar.json'), 'utf8'));
  expect(gridSidecar).toMatchObject({
    kind: 'grid',
    run: { runId, step: 20 },
    request: { source: { from: 'seeds', first: 0, count: 64, checkpoint: { runId, file: 'ckpt-000000020.gsc' } } },
  });

  // A looping interpolation GIF through 3 keyframes.
  await form.getByText('Interpolation', { exact: true }).click();
  await form.getByLabel('Keyframes', { exact: true }).fill('3');
  await form.getByLabel('Frames between', { exact: true }).fill('4');
  await expect(form.getByText('12 frames, ending where they start.')).toBeVisible();
  const walkDir = await exportNow(app, 'walk');
  const gif = await sharp(join(walkDir, 'animation.gif'), { animated: true }).metadata();
  expect(gif).toMatchObject({ format: 'gif', pages: 12, loop: 0 });

  // The model, for the web.
  await form.getByText('Model', { exact: true }).click();
  const modelDir = await exportNow(app, 'digits-model');
  expect((await readdir(modelDir)).sort()).toEqual(
    ['README.md', 'directions.json', 'index.html', 'latent.js', 'mean-latent.json', 'model.json', 'preview.png', 'sidecar.json', 'tf.min.js', 'weights.bin'],
  );
  expect(JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8'))).toMatchObject({ format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'] }] });

  // All three are listed, with previews; the grid is made again from its sidecar, byte for byte.
  const list = app.getByRole('region', { name: 'Exports in this project' });
  for (const name of ['digits-grid', 'walk', 'digits-model']) {
    await expect(list.getByRole('listitem', { name: `Export ${name}`, exact: true }).getByRole('img')).toBeVisible();
  }
  await list.getByRole('button', { name: 'Export digits-grid again' }).click();
  await expect(app.getByTestId('last-export-dir')).toHaveText(/digits-grid-2$/, { timeout: 60_000 });
  const exportsDir = dirname(gridDir);
  expect(await readFile(join(exportsDir, 'digits-grid-2', 'grid.png'))).toEqual(await readFile(join(gridDir, 'grid.png')));
  await app.screenshot({ path: 'test-results/gallery-view.png', fullPage: true });

  // Web mode: the files are on the server, so each export downloads (a folder as a zip) — the same bytes.
  const downloaded = app.waitForEvent('download');
  await list.getByRole('listitem', { name: 'Export digits-grid', exact: true }).getByRole('button', { name: 'Download' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toBe('digits-grid.zip');
  const zipped = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  expect(Buffer.from(zipped['grid.png']!)).toEqual(await readFile(join(gridDir, 'grid.png')));
  expect(Object.keys(zipped)).toContain('sidecar.json');

  // The sidecar opens the explorer on the same run.
  await list.getByRole('listitem', { name: 'Export digits-grid', exact: true }).getByRole('button', { name: 'Open in Explore' }).click();
  await expect(app.getByTestId('view-explore')).toBeVisible();
});

test('a 50,000-image export shows its progress and cancels without leaving files', async ({ app }) => {
  await app.getByRole('navigation').getByText('Gallery', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New export' });
  await expect(form.getByLabel('Checkpoint', { exact: true })).toContainText('Newest (step');
  await form.getByText('Image set', { exact: true }).click();
  await form.getByLabel('Images', { exact: true }).fill('50000');
  await form.getByLabel('Name', { exact: true }).fill('fid-set');
  await form.getByRole('button', { name: 'Export', exact: true }).click();
  const bar = app.getByRole('progressbar', { name: 'Export progress' });
  await expect(bar).toHaveAttribute('aria-valuetext', /Generating “fid-set”: [\d,]+ of 50,000/);
  await app.getByRole('button', { name: 'Cancel export' }).click();
  await expect(app.getByTestId('last-export')).toContainText('Export cancelled: nothing was written.');
  const list = app.getByRole('region', { name: 'Exports in this project' });
  await expect(list.getByRole('listitem', { name: 'Export fid-set', exact: true })).toHaveCount(0);
  const exportsDir = (await list.getByText(/^In /).textContent())!.replace(/^In /, '');
  expect((await readdir(exportsDir)).filter((name) => name.includes('fid-set'))).toEqual([]);
});
