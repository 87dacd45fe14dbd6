/**
 * The memorisation check in the explorer, web mode with the real engine: the current image beside
 * its nearest training images (by classifier features and by pixels), and a checkpoint's copy rate
 * with the closest sample/training pairs.
 */
import { test, expect } from './support/web-mode';
import { trainRunInApp } from './support/runs';

test('the explorer shows the training images nearest to a sample, and a checkpoint’s copy rate', async ({ app }) => {
  test.setTimeout(300_000);
  const runId = await trainRunInApp(app, { preset: 'DCGAN (Radford et al.)', steps: 20, sampleEvery: 10, timeout: 90_000 });
  await app.getByRole('navigation').getByText('Explore', { exact: true }).click();
  const view = app.getByTestId('view-explore');
  await view.getByLabel('Run', { exact: true }).selectOption(runId);
  await expect(view.getByTestId('explore-model')).toContainText('showing step 20');

  const panel = view.getByTestId('memorisation');
  await panel.getByRole('button', { name: 'Nearest training images' }).click();
  const nearest = panel.getByTestId('nearest-result');
  await expect(nearest).toBeVisible({ timeout: 240_000 });
  // Two rows of the sample and its 5 neighbours: 28-px tiles, 2-px gaps.
  expect(await nearest.locator('img').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([6 * 28 + 7 * 2, 2 * 28 + 3 * 2]);
  await expect(nearest).toContainText(/nearest by features — training image [\d,]+ \(class \d\)/);

  // Moving to another seed marks the result as no longer the image on screen.
  await view.getByLabel('Keyframe seed').fill('5');
  await view.getByRole('button', { name: 'Add keyframe' }).click();
  await expect(nearest).toContainText('The view changed since');

  await panel.getByLabel('Samples for the copy rate').fill('200');
  await panel.getByRole('button', { name: 'Copy rate of this checkpoint' }).click();
  await expect(panel.getByTestId('copy-rate')).toHaveText(/^\d+\.\d %$/, { timeout: 120_000 });
  await expect(panel.getByTestId('copies-result')).toContainText(/of 200 samples \(real images: [345]\.\d %\)/);
  expect(await panel.getByTestId('copies-result').locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(8 * 28 + 9 * 2);
  await panel.screenshot({ path: 'test-results/memorisation.png' });
});
