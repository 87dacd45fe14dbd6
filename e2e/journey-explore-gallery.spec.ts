/**
 * A journey across views: look at one run in the explorer, export an image of another run in the
 * Gallery, open that export in the explorer. The explorer must draw the exported run's image, pixel
 * for pixel, not the run it showed before.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { test, expect } from './support/web-mode';
import { trainRunWithCli } from './support/runs';

const nav = (app: Page, view: string) => app.getByRole('navigation').getByText(view, { exact: true }).click();

/** The grey level of each pixel of the explorer's current image (its R channel; the runs are grayscale). */
async function shownPixels(app: Page): Promise<{ width: number; height: number; grey: number[] }> {
  return app.getByTestId('explore-current').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: canvas.width, height: canvas.height, grey: Array.from({ length: data.length / 4 }, (_, i) => data[i * 4]!) };
  });
}

test('Open in Explore from the Gallery shows the exported run’s image, whatever the explorer showed before', async ({ app, server }) => {
  const svelteWarnings: string[] = [];
  app.on('console', (message) => {
    if (/derived_inert|\[svelte\]/i.test(message.text())) svelteWarnings.push(message.text());
  });
  // Two runs that draw different digits from the same seed: other seeds, other step counts.
  const first = await trainRunWithCli(server.project, ['--seed', '1', '--steps', '20']);
  const second = await trainRunWithCli(server.project, ['--seed', '2', '--steps', '30']);
  await app.reload();

  // The first run gets a name in the Train view; the explorer's picker shows it.
  await nav(app, 'Train');
  await app.getByRole('button', { name: `Rename run ${first}` }).click();
  await app.getByLabel(`Name for run ${first}`).fill('seed one');
  await app.getByLabel(`Name for run ${first}`).press('Enter');
  await expect(app.getByRole('button', { name: 'Open run seed one' })).toBeVisible();

  // The explorer on the first run.
  await nav(app, 'Explore');
  const runPicker = app.getByLabel('Run', { exact: true });
  await expect(runPicker.locator(`option[value="${first}"]`)).toHaveText(`seed one (${first})`);
  await runPicker.selectOption(first);
  await expect(app.getByTestId('explore-latency')).toContainText('step 20');
  const before = await shownPixels(app);

  // An image of the second run, exported from the Gallery.
  await nav(app, 'Gallery');
  const form = app.getByRole('form', { name: 'New export' });
  await form.getByLabel('Run', { exact: true }).selectOption(second);
  await expect(form.getByLabel('Checkpoint', { exact: true })).toContainText('Newest (step 30)');
  await form.getByText('Image set', { exact: true }).click();
  await form.getByLabel('Images', { exact: true }).fill('1');
  await form.getByLabel('First seed', { exact: true }).fill('0');
  await form.getByLabel('Name', { exact: true }).fill('second-seed-0');
  await form.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(app.getByTestId('last-export-dir')).toHaveText(/[/\\]exports[/\\]second-seed-0$/, { timeout: 60_000 });
  const dir = (await app.getByTestId('last-export-dir').textContent())!;
  const file = (await readdir(join(dir, 'images'))).find((name) => name.endsWith('.png'))!;
  const exported = await sharp(join(dir, 'images', file)).greyscale().raw().toBuffer({ resolveWithObject: true });

  // Open in Explore: the second run, its step, its pixels.
  const list = app.getByRole('region', { name: 'Exports in this project' });
  await list.getByRole('listitem', { name: 'Export second-seed-0', exact: true }).getByRole('button', { name: 'Open in Explore' }).click();
  await expect(app.getByTestId('view-explore')).toBeVisible();
  await expect(runPicker).toHaveValue(second);
  await expect(app.getByTestId('explore-latency')).toContainText('step 30');
  await expect(app.getByTestId('explore-current-label')).toHaveText('Seed 0');
  const after = await shownPixels(app);
  expect([after.width, after.height]).toEqual([exported.info.width, exported.info.height]);
  const differences = after.grey.filter((value, i) => Math.abs(value - exported.data[i]!) > 1).length;
  expect(differences, 'pixels of the explorer that differ from the exported image').toBe(0);
  expect(after.grey, 'the explorer must not still show the first run').not.toEqual(before.grey);
  await app.screenshot({ path: 'test-results/journey-open-in-explorer.png' });
  expect(svelteWarnings).toEqual([]);
});
