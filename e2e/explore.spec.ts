import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { test, expect } from './support/web-mode';
import type { Locator, Page } from '@playwright/test';
import { startRunInApp, trainRunInApp } from './support/runs';

/** Trains a small DCGAN on the demo digits to completion and returns its run id. */
const trainTinyDcgan = (app: Page) => trainRunInApp(app, { preset: 'DCGAN (Radford et al.)', steps: 20, sampleEvery: 10, timeout: 90_000 });

/**
 * Waits until the image's src differs from `before` and, unless it keeps changing (a playing loop),
 * until no newer render is on its way (the grid is busy until the newest request's picture is
 * shown): the picture returned is the one for what the view asks now. Returns it.
 */
async function changed(image: Locator, before: string | null, { moving = false } = {}): Promise<string> {
  await expect(image).toHaveAttribute('src', /^data:image\/png;base64,/);
  if (before !== null) await expect(image).not.toHaveAttribute('src', before);
  if (!moving) await expect(image.locator('xpath=ancestor::*[@aria-busy][1]')).toHaveAttribute('aria-busy', 'false');
  return (await image.getAttribute('src'))!;
}

test('without a trained run the explorer says to train one first', async ({ app }) => {
  await app.getByRole('navigation').getByText('Explore', { exact: true }).click();
  const view = app.getByTestId('view-explore');
  const ask = view.getByRole('heading', { name: 'Train a run first' });
  // Other specs sharing this worker's project may already have trained runs.
  await expect(ask.or(view.getByLabel('Run', { exact: true }))).toBeVisible();
  if (await ask.isVisible()) {
    await view.getByRole('button', { name: 'Go to Train' }).click();
    await expect(app.getByTestId('view-training')).toBeVisible();
  }
});

test('the explorer opens a checkpoint, scrubs, truncates, finds a direction and keeps the view', async ({ app }) => {
  const runId = await trainTinyDcgan(app);

  await app.getByRole('navigation').getByText('Explore', { exact: true }).click();
  const view = app.getByTestId('view-explore');
  await view.getByLabel('Run', { exact: true }).selectOption(runId);
  await view.getByLabel('Checkpoint', { exact: true }).selectOption('ckpt-000000020.gsc');
  await expect(view.getByTestId('explore-model')).toContainText('showing step 20');

  const current = view.getByTestId('explore-current');
  let shown = await changed(current, null);

  // The same latent as each checkpoint drew it; a tile opens its checkpoint.
  await expect(view.getByTestId('explore-over-training')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await view.getByRole('button', { name: 'Show step 10' }).click();
  await expect(view.getByTestId('explore-model')).toContainText('showing step 10');
  shown = await changed(current, shown);
  await view.getByLabel('Checkpoint', { exact: true }).selectOption('ckpt-000000020.gsc');
  await expect(view.getByTestId('explore-model')).toContainText('showing step 20');
  shown = await changed(current, shown);

  // Interpolation: a second keyframe, then the scrubber moves the picture (by value and by keyboard).
  await view.getByLabel('Keyframe seed').fill('5');
  await view.getByRole('button', { name: 'Add keyframe' }).click();
  const scrubber = view.getByTestId('explore-scrubber');
  await scrubber.fill('0.5');
  await expect(view.getByTestId('explore-current-label')).toContainText('t = 0.500');
  shown = await changed(current, shown);
  await scrubber.focus();
  await app.keyboard.press('PageUp');
  await expect(view.getByTestId('explore-current-label')).toContainText('t = 0.600');
  shown = await changed(current, shown);
  await expect(view.getByTestId('explore-strip')).toHaveAttribute('src', /^data:image\/png;base64,/);
  // That point of the interpolation is a favourite of its own, drawn as a thumbnail.
  await view.getByRole('button', { name: '☆ Add this point to favourites' }).click();
  await expect(view.getByRole('button', { name: '★ Favourite' })).toBeVisible();
  await expect(view.getByTestId('favourite-thumbnails')).toHaveAttribute('src', /^data:image\/png;base64,/);

  // Space plays and pauses the loop when focus is not on a control.
  await view.getByRole('heading', { name: 'Interpolation' }).click();
  await app.keyboard.press('Space');
  await expect(view.getByRole('button', { name: 'Pause loop' })).toBeVisible();
  shown = await changed(current, shown, { moving: true });
  await app.keyboard.press('Space');
  await expect(view.getByRole('button', { name: 'Play loop' })).toBeVisible();
  // The loop moved t; the favourite's thumbnail brings the point back.
  await view.getByRole('button', { name: /^Show favourite: Seeds \d+ → 5 at t 0\.60/ }).click();
  await expect(view.getByTestId('explore-current-label')).toContainText('t = 0.600');
  shown = await changed(current, shown);
  // Save view says why it cannot be pressed yet.
  await expect(view.getByTestId('save-view-why')).toHaveText('Type a name to save this view under.');

  // Truncation: ψ = 0 puts every seed on the mean latent, so the grid loses all its diversity.
  const grid = view.getByTestId('explore-truncation-grid');
  const diversity = view.getByTestId('explore-diversity');
  await expect(diversity).toContainText(/Diversity [1-9]|Diversity 0\.[0-9]*[1-9]/);
  const fullGrid = await changed(grid, null);
  await view.getByTestId('explore-psi').fill('0');
  await changed(grid, fullGrid);
  await expect(diversity).toContainText('Diversity 0.000');
  shown = await changed(current, shown);
  await view.getByTestId('explore-psi').fill('0.8');
  await view.getByTestId('explore-threshold-on').check();
  await view.getByTestId('explore-threshold').fill('0.5');
  await expect(diversity).not.toContainText('Diversity 0.000');
  shown = await changed(current, shown);

  // Directions: SeFa's closed form, then its first slider moves the picture.
  await view.getByRole('button', { name: 'Find SeFa directions' }).click();
  const first = view.getByTestId('direction-slider-sefa-20-1');
  await expect(first).toBeVisible();
  await first.fill('3');
  shown = await changed(current, shown);
  await expect(view.getByTestId('explore-json')).toHaveValue(/"id": "sefa-20-1",\s*"amount": 3/);

  // A direction from samples marked in the seed browser (InterFaceGAN), orthogonal to SeFa 1.
  await view.getByText('Marks “has it”').click();
  await view.getByRole('button', { name: 'Mark as having the attribute: seed 1', exact: true }).click();
  await view.getByRole('button', { name: 'Mark as having the attribute: seed 2', exact: true }).click();
  await view.getByText('Marks “lacks it”').click();
  await view.getByRole('button', { name: 'Mark as lacking the attribute: seed 3', exact: true }).click();
  await view.getByRole('button', { name: 'Mark as lacking the attribute: seed 4', exact: true }).click();
  const fitForm = view.getByRole('form', { name: 'Direction from marked samples' });
  await expect(fitForm).toContainText('2 marked “has it”, 2 “lacks it”');
  await fitForm.getByLabel('Attribute name').fill('Thick strokes');
  await fitForm.getByLabel('SeFa 1 (step 20)').check();
  await fitForm.getByRole('button', { name: 'Fit direction' }).click();
  const fitted = view.getByTestId('direction-slider-attr-thick-strokes');
  await expect(fitted).toBeVisible();
  await fitted.fill('-2');
  shown = await changed(current, shown);

  // The whole view is saved in the project and comes back after a reload.
  await view.getByLabel('View name').fill('Between 0 and 5');
  await view.getByRole('button', { name: 'Save view' }).click();
  const saved = view.getByRole('list', { name: 'Saved views' });
  await expect(saved).toContainText('Between 0 and 5');
  const json = await view.getByTestId('explore-json').inputValue();

  // What is on screen exports as it is: the image, and the walk between the keyframes as a GIF.
  const exporter = view.getByRole('group', { name: 'Export from the explorer' });
  await exporter.getByRole('button', { name: 'Current image (PNG)' }).click();
  const done = view.getByTestId('quick-export-done');
  await expect(done).toBeVisible({ timeout: 60_000 });
  const imageDir = (await done.locator('.path').textContent())!;
  expect(await sharp(join(imageDir, 'grid.png')).metadata()).toMatchObject({ width: 28 * 4, height: 28 * 4 });
  const imageSidecar = JSON.parse(await readFile(join(imageDir, 'sidecar.json'), 'utf8'));
  expect(imageSidecar.request.source.spec).toEqual(JSON.parse(json));
  await exporter.getByRole('button', { name: 'Interpolation (GIF)' }).click();
  await expect(done.locator('.path')).not.toHaveText(imageDir, { timeout: 60_000 });
  const walkDir = (await done.locator('.path').textContent())!;
  expect(await sharp(join(walkDir, 'animation.gif'), { animated: true }).metadata()).toMatchObject({ format: 'gif', pages: 62, loop: 0 });
  // One direction swept from −4 to +4 and back, the rest of the view as it is.
  await view.getByLabel('Direction to sweep').selectOption({ label: 'Thick strokes' });
  await exporter.getByRole('button', { name: 'Direction sweep (GIF)' }).click();
  await expect(done.locator('.path')).not.toHaveText(walkDir, { timeout: 60_000 });
  const sweepDir = (await done.locator('.path').textContent())!;
  expect(await sharp(join(sweepDir, 'animation.gif'), { animated: true }).metadata()).toMatchObject({ format: 'gif', pages: 46 });
  const sweepSidecar = JSON.parse(await readFile(join(sweepDir, 'sidecar.json'), 'utf8'));
  expect(sweepSidecar.request.source.spec.images[0].directions).toContainEqual({ id: 'attr-thick-strokes', amount: -4 });

  // The view scrolls inside the window: a tall viewport shows all of it in one picture.
  await app.setViewportSize({ width: 1280, height: 2600 });
  await app.screenshot({ path: 'test-results/explore-view.png' });
  await app.setViewportSize({ width: 1280, height: 800 });

  await app.reload();
  await app.getByRole('navigation').getByText('Explore', { exact: true }).click();
  await view.getByLabel('Run', { exact: true }).selectOption(runId);
  await view.getByRole('list', { name: 'Saved views' }).getByRole('button', { name: 'Open' }).click();
  await expect(view.getByTestId('explore-json')).toHaveValue(json);
  await expect(current).toHaveAttribute('src', shown);
});

test('the explorer follows the run that is training, checkpoint by checkpoint', async ({ app }) => {
  await startRunInApp(app, { steps: 100_000, batch: 16, sampleEvery: 50, checkpointEvery: 20 });
  await expect(app.getByTestId('train-state')).toHaveText(/running/i);

  await app.getByRole('navigation').getByText('Explore', { exact: true }).click();
  const view = app.getByTestId('view-explore');
  await expect(view.getByTestId('explore-training-note')).toContainText('This run is training now');
  // Web mode here trains on wasm: in a thread of its own, so pictures do not wait for steps.
  await expect(view.getByTestId('explore-training-note')).toContainText('in a thread of its own: pictures do not wait for its steps');
  await expect(view.getByLabel('Checkpoint', { exact: true })).toHaveValue('latest');
  const model = view.getByTestId('explore-model');
  await expect(model).toContainText(/showing step \d+/);
  const before = await model.textContent();
  const picture = await view.getByTestId('explore-current').getAttribute('src');
  // A newer checkpoint lands and the explorer draws from it without being asked.
  await expect(model).not.toHaveText(before!);
  await expect(view.getByTestId('explore-current')).not.toHaveAttribute('src', picture!);

  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await app.getByRole('button', { name: 'Stop training' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/stopped/i);
});
