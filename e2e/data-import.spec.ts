/**
 * Dataset import in web mode, end to end: choose a folder in the Data view, the browser uploads it,
 * the engine imports it, and the view shows the dataset, its classes and what was skipped and why.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { mnistPng } from '../src-main/engine/dataset/testing';
import { loggedSteps, startRun } from './support/runs';
import { test, expect } from './support/web-mode';
import { strFromU8, unzipSync } from 'fflate';

test.describe.configure({ mode: 'serial' });

let root: string;

test.beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-e2e-import-'));
  const digits = join(root, 'digits');
  for (const digit of [3, 7]) {
    await mkdir(join(digits, String(digit)), { recursive: true });
    for (let k = 0; k < 6; k++) await writeFile(join(digits, String(digit), `img-${k}.png`), await mnistPng(digit, k));
  }
  await writeFile(join(digits, '7', 'broken.png'), 'this is not a png');
  await writeFile(join(digits, 'notes.txt'), 'hello');
  await mkdir(join(root, 'junk'));
  await writeFile(join(root, 'junk', 'readme.txt'), 'nothing to see');
});

async function openDataView(app: Page): Promise<void> {
  await app.getByRole('navigation').getByText('Data', { exact: true }).click();
  await expect(app.getByTestId('view-dataset')).toBeVisible();
  await expect(app.getByTestId('engine-state')).toHaveText(/ready/i);
  // MNIST-sized: 28 px, one channel.
  await app.getByRole('group', { name: 'Size (px)' }).getByText('28', { exact: true }).click();
  await app.getByRole('group', { name: 'Channels' }).getByText('Grayscale', { exact: true }).click();
}

/** Web mode holds a chosen folder until Import, showing a preview of a few of its images first. */
async function chooseAndImport(app: Page, folder: string, files: number): Promise<void> {
  const count = `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}`;
  await app.getByTestId('folder-input').setInputFiles(folder);
  await expect(app.getByTestId('staged-folder')).toContainText(`${count} ready to import`);
  await app.getByRole('button', { name: `Import ${count}` }).click();
}

test('a chosen folder is previewed with the import settings before it is imported', async ({ app }) => {
  await openDataView(app);
  await app.getByTestId('folder-input').setInputFiles(join(root, 'digits'));
  await expect(app.getByTestId('staged-folder')).toContainText('“digits”: 14 files ready to import.');

  const preview = app.getByTestId('import-preview');
  const image = preview.getByTestId('import-preview-image');
  // The first eight image files by path (six 3s, 7/broken.png, one 7) at 28 px with 2 px gaps.
  await expect(image).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(preview).toContainText('The first 7 images of “digits” as the import stores them: 28 × 28 px · grayscale · center-crop.');
  await expect(preview.getByRole('list', { name: 'Samples that cannot be imported' })).toContainText('7/broken.png');
  const before = await image.getAttribute('src');
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(7 * 28 + 8 * 2);

  // Live: another size re-decodes the samples.
  await app.getByRole('group', { name: 'Size (px)' }).getByText('64', { exact: true }).click();
  await expect(preview).toContainText('64 × 64 px · grayscale');
  await expect(image).not.toHaveAttribute('src', before!);
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(7 * 64 + 8 * 2);
  await app.getByRole('group', { name: 'Size (px)' }).getByText('28', { exact: true }).click();
  await expect(preview).toContainText('28 × 28 px · grayscale');
});

test('a chosen folder is uploaded, imported and reported', async ({ app }) => {
  await openDataView(app);
  await chooseAndImport(app, join(root, 'digits'), 14);

  const summary = app.getByTestId('import-summary');
  await expect(summary).toContainText(/Imported 12 images · 2 skipped/);
  await expect(summary).toContainText('from “digits”');
  // Web mode waits for the upload first: the time is shown apart from the engine's.
  await expect(app.getByTestId('import-timing')).toHaveText(/^Uploaded 1[24] files \(.+\) in \d+\.\d s, then imported in \d+\.\d s\.$/);

  const dataset = app.getByTestId('project-dataset');
  await expect(dataset.getByTestId('dataset-count')).toHaveText('12');
  await expect(dataset).toContainText('28 × 28 px · grayscale');
  await expect(dataset).toContainText('Uploaded in the browser');
  const classes = dataset.getByRole('listitem');
  await expect(classes).toHaveCount(2);
  await expect(classes.nth(0)).toHaveText(/^3\s*6$/);
  await expect(classes.nth(1)).toHaveText(/^7\s*6$/);
  await expect(dataset.getByTestId('mean-image')).toHaveAttribute('src', /^data:image\/png;base64,/);
  expect(await dataset.getByTestId('mean-image').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([28, 28]);

  const grid = app.getByTestId('thumbnail-grid');
  await expect(grid.getByRole('listitem')).toHaveCount(12);
  await expect(grid.getByRole('listitem').first()).toHaveAttribute('aria-label', '3/img-0.png, class 3');
  await expect(grid.locator('.thumb')).toHaveCount(12);

  const report = app.getByTestId('skipped-report');
  await expect(report.getByRole('row', { name: /7\/broken\.png/ })).toContainText('not a recognised image format');
  await expect(report.getByRole('row', { name: /notes\.txt/ })).toContainText(/not an image\s*\.txt/);

  await report.getByLabel('Filter').fill('broken');
  await expect(report.getByRole('row')).toHaveCount(2); // header + one match
  await report.getByLabel('Filter').fill('');

  const download = app.waitForEvent('download');
  await report.getByRole('button', { name: 'Export report (CSV)' }).click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('path,code,reason');
  expect(csv).toContain('7/broken.png,unsupported,');
  expect(csv).toContain('notes.txt,not-image,not an image (.txt)');

  // The dataset as StyleGAN2-ADA's zip, for a bigger machine.
  await app.getByRole('button', { name: 'Export for StyleGAN2-ADA' }).click();
  const exported = app.getByTestId('stylegan-done');
  await expect(exported).toContainText('12 images with class labels');
  const zip = unzipSync(await readFile((await exported.locator('.path').textContent())!));
  expect(Object.keys(zip).filter((name) => /^00000\/img\d{8}\.png$/.test(name))).toHaveLength(12);
  expect(JSON.parse(strFromU8(zip['dataset.json']!)).labels).toHaveLength(12);

  await app.screenshot({ path: 'test-results/data-view-import.png', fullPage: true });
});

test('a folder sorted into classes gets the conditional DCGAN offered; it trains on them, and the Gallery names them by folder', async ({ app, server }) => {
  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New training run' });
  await form.getByText('DCGAN (Radford et al.)').click();
  // The newest dataset of the project is the one proposed.
  await expect(form.getByLabel('Dataset').locator('option:checked')).toContainText('digits: 12 images (28×28');
  const offer = form.getByTestId('preset-suggestion');
  await expect(offer).toContainText('12 grey images in 2 classes (subfolders)');
  // Tall enough for the whole form in one screenshot, then back.
  const viewport = app.viewportSize();
  await app.setViewportSize({ width: 1280, height: 1300 });
  await form.screenshot({ path: 'test-results/preset-suggestion-classes.png' });
  if (viewport) await app.setViewportSize(viewport);
  await offer.getByRole('button', { name: 'Use “Conditional DCGAN”' }).click();
  await expect(offer).toHaveCount(0);
  await expect(form.getByRole('radio', { name: 'Conditional DCGAN' })).toBeChecked();
  await form.getByLabel('Steps', { exact: true }).fill('20');
  await form.getByLabel('Batch size', { exact: true }).fill('8');
  // A reload keeps the design and the dataset it was made for (once the project's list is back).
  await app.reload();
  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  await expect(form.getByLabel('Dataset').locator('option:checked')).toContainText('digits: 12 images (28×28');
  await expect(form.getByLabel('Steps', { exact: true })).toHaveValue('20');
  await expect(app.getByTestId('run-config-source')).toContainText('Conditional DCGAN · 28×28×1');
  const runId = await startRun(app);
  await expect(app.getByTestId('train-samples')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 60_000 });
  const written = JSON.parse(await readFile(join(server.project, 'runs', runId, 'config.json'), 'utf8'));
  expect(written.model).toMatchObject({ architecture: 'cdcgan', labels: 'dataset', numClasses: 2, resolution: 28, channels: 1 });
  expect(written.steps).toBe(20);

  // The folders "3" and "7" are classes 0 and 1: the Gallery says which is which.
  await app.getByRole('navigation').getByText('Gallery', { exact: true }).click();
  const gallery = app.getByRole('form', { name: 'New export' });
  await gallery.getByLabel('Run', { exact: true }).selectOption(runId);
  await gallery.getByText('Grid PNG', { exact: true }).click();
  const classes = gallery.getByRole('combobox', { name: 'Class', exact: true });
  await expect(classes.locator('option')).toHaveText(['Cycle 0: 3…1: 7', '0: 3', '1: 7']);
  await classes.selectOption({ label: '1: 7' });
  await gallery.getByLabel('Name', { exact: true }).fill('sevens');
  await gallery.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(app.getByTestId('last-export-dir')).toHaveText(/[/\\]exports[/\\]sevens$/, { timeout: 60_000 });
  const sidecar = JSON.parse(await readFile(join(server.project, 'exports', 'sevens', 'sidecar.json'), 'utf8'));
  expect(sidecar).toMatchObject({ kind: 'grid', run: { runId }, request: { source: { class: 1 } } });
});

test('a folder without usable images says so and keeps the previous dataset', async ({ app }) => {
  await openDataView(app);
  await expect(app.getByTestId('project-dataset').getByTestId('dataset-count')).toHaveText('12');
  await chooseAndImport(app, join(root, 'junk'), 1);

  const alert = app.getByRole('form', { name: 'Import your images' }).getByRole('alert');
  await expect(alert).toContainText('No usable images found in “junk”');
  await expect(alert).not.toContainText('.uploads');
  await expect(app.getByTestId('project-dataset').getByTestId('dataset-count')).toHaveText('12');

  // An empty folder: Chromium hands over no files at all, and the view says so.
  const empty = join(root, 'empty');
  await mkdir(empty, { recursive: true });
  await app.getByTestId('folder-input').setInputFiles(empty);
  await expect(alert).toContainText('The chosen folder has no files to import. Choose a folder with images');
  await expect(app.getByTestId('project-dataset').getByTestId('dataset-count')).toHaveText('12');
});

test('loose files dropped on the window import as one flat folder', async ({ app }) => {
  await app.getByRole('navigation').getByText('Model', { exact: true }).click();
  await expect(app.getByTestId('engine-state')).toHaveText(/ready/i);
  const pngs = await Promise.all([0, 1, 2].map(async (k) => (await mnistPng(1, k)).toString('base64')));
  const transfer = await app.evaluateHandle((files) => {
    const dt = new DataTransfer();
    files.forEach((b64, i) => dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], `one-${i}.png`, { type: 'image/png' })));
    return dt;
  }, pngs);

  await app.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
  await expect(app.getByTestId('drop-overlay')).toContainText('Drop a folder to import');
  await app.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(app.getByTestId('drop-overlay')).toHaveCount(0);

  await expect(app.getByTestId('view-dataset')).toBeVisible();
  await expect(app.getByTestId('import-summary')).toContainText('Imported 3 images · 0 skipped');
  await expect(app.getByTestId('project-dataset').getByTestId('dataset-count')).toHaveText('3');
});

test('the thumbnail grid scrolls through a large dataset, rendering only what is on screen', async ({ app }) => {
  test.setTimeout(120_000);
  const many = join(root, 'many');
  for (const digit of [2, 5]) {
    await mkdir(join(many, String(digit)), { recursive: true });
    for (let k = 0; k < 300; k++) await writeFile(join(many, String(digit), `n-${String(k).padStart(3, '0')}.png`), await mnistPng(digit, k));
  }
  await openDataView(app);
  await chooseAndImport(app, many, 600);
  await expect(app.getByTestId('import-summary')).toContainText('Imported 600 images', { timeout: 60_000 });

  const grid = app.getByTestId('thumbnail-grid');
  const cells = grid.getByRole('listitem');
  await expect(cells.first()).toHaveAttribute('aria-label', '2/n-000.png, class 2');
  await expect(grid.locator('.thumb').first()).toBeVisible();
  // Virtualised: a screenful of rows is in the DOM, not 600 cells.
  expect(await cells.count()).toBeLessThan(200);
  await expect(grid.getByLabel('5/n-299.png, class 5')).toHaveCount(0);

  await grid.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(grid.getByLabel('5/n-299.png, class 5')).toBeVisible();
  await expect(grid.getByLabel('5/n-299.png, class 5').locator('.thumb')).toHaveCount(1);
  await expect(grid.getByLabel('2/n-000.png, class 2')).toHaveCount(0);
  expect(await cells.count()).toBeLessThan(200);

  // Keyboard scrolling works too: Home goes back to the top.
  await grid.focus();
  await app.keyboard.press('Home');
  await expect(grid.getByLabel('2/n-000.png, class 2')).toBeVisible();

  const browser = app.getByTestId('dataset-browser');
  await browser.getByTestId('class-filter').selectOption({ label: '5 (300)' });
  await expect(browser.getByTestId('browser-count')).toHaveText('300 images');
  await expect(grid.getByRole('listitem').first()).toHaveAttribute('aria-label', '5/n-000.png, class 5');
  await expect(app.getByTestId('project-dataset').getByTestId('mean-image')).toBeVisible();
  await app.screenshot({ path: 'test-results/data-view-grid.png', fullPage: true });
});

test('a folder of unlabelled grey images gets the DCGAN on clusters offered, and a run trains on its clusters', async ({ app, server }) => {
  test.setTimeout(180_000);
  // Imported grey: on colour emoji the clusters were ahead on one seed and 3× behind on another, and are not offered there.
  const imported = await importEmoji(app, 'emoji', 'Grayscale');

  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New training run' });
  await form.getByText('DCGAN (Radford et al.)').click();
  await expect(form.getByLabel('Dataset').locator('option:checked')).toContainText(`emoji: ${imported} images (32×32, grayscale)`);
  const offer = form.getByTestId('preset-suggestion');
  await expect(offer).toContainText(`${imported} grey images without labels`);
  await form.screenshot({ path: 'test-results/preset-suggestion.png' });
  await offer.getByRole('button', { name: 'Use “DCGAN on clusters (no labels)”' }).click();
  await expect(offer).toHaveCount(0);
  await form.getByLabel('Steps', { exact: true }).fill('4');
  await form.getByLabel('Batch size', { exact: true }).fill('8');
  const runId = await startRun(app);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 90_000 });
  // What the engine trained: the preset at the dataset's shape, on 20 clusters it saved with the run.
  const written = JSON.parse(await readFile(join(server.project, 'runs', runId, 'config.json'), 'utf8'));
  expect(written.model).toMatchObject({ architecture: 'cdcgan', labels: 'clusters', numClasses: 20, resolution: 32, channels: 1 });
  const clusters = JSON.parse(await readFile(join(server.project, 'runs', runId, 'clusters.json'), 'utf8'));
  expect(clusters.sizes).toHaveLength(20);
  expect(clusters.sizes.reduce((a: number, b: number) => a + b, 0)).toBe(imported);
  expect(Math.min(...clusters.sizes)).toBeGreaterThan(0);
  // The explorer calls them clusters, by the names the app uses everywhere.
  await app.getByRole('navigation').getByText('Explore', { exact: true }).click();
  const view = app.getByTestId('view-explore');
  await view.getByLabel('Run', { exact: true }).selectOption(runId);
  await expect(view.getByTestId('explore-model')).toContainText('CDCGAN · 32 px · z 64 (normal) · 20 clusters');
  await expect(view.getByLabel('Class', { exact: true }).locator('option').first()).toHaveText('Cluster 1');
  await expect(view.getByLabel('Class', { exact: true }).locator('option')).toHaveCount(20);
});

test('a folder of unlabelled colour images gets the small-colour preset offered, and the run trains it with R1', async ({ app, server }) => {
  test.setTimeout(180_000);
  const imported = await importEmoji(app, 'emoji-colour', 'RGB');

  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New training run' });
  await form.getByText('DCGAN (Radford et al.)').click();
  const offer = form.getByTestId('preset-suggestion');
  await expect(offer).toContainText(`${imported} colour images without labels`);
  const viewport = app.viewportSize();
  await app.setViewportSize({ width: 1280, height: 1300 });
  await form.screenshot({ path: 'test-results/preset-suggestion-colour.png' });
  if (viewport) await app.setViewportSize(viewport);
  await offer.getByRole('button', { name: 'Use “Small colour folder”' }).click();
  await expect(offer).toHaveCount(0);
  await form.getByLabel('Steps', { exact: true }).fill('5');
  await form.getByLabel('Batch size', { exact: true }).fill('8');
  const runId = await startRun(app);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 90_000 });
  // What the engine trained: the DCGAN at the folder's colour size, with R1 on its 1st and 5th steps.
  const written = JSON.parse(await readFile(join(server.project, 'runs', runId, 'config.json'), 'utf8'));
  expect(written).toMatchObject({ model: { architecture: 'dcgan', resolution: 32, channels: 3 }, loss: { kind: 'bce', r1: 1 } });
  const steps = await loggedSteps(server.project, runId);
  expect(steps.filter((l) => typeof l.r1Slope === 'number').map((l) => l.step)).toEqual([1, 5]);
});

/** 450 Twitter emoji copied into a folder named `name`, imported at 32 px: how many the import kept. */
async function importEmoji(app: Page, name: string, channels: 'Grayscale' | 'RGB'): Promise<number> {
  const folder = join(root, name);
  await mkdir(folder);
  const source = join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-twitter/package.json')), 'img', 'twitter', '64');
  for (const file of (await readdir(source)).filter((f) => f.endsWith('.png')).slice(0, 450)) await copyFile(join(source, file), join(folder, file));
  await openDataView(app);
  await app.getByRole('group', { name: 'Size (px)' }).getByText('32', { exact: true }).click();
  await app.getByRole('group', { name: 'Channels' }).getByText(channels, { exact: true }).click();
  await chooseAndImport(app, folder, 450);
  await expect(app.getByTestId('import-summary')).toContainText(/Imported \d{3} images/);
  return Number(/Imported (\d+) images/.exec((await app.getByTestId('import-summary').textContent())!)![1]);
}
