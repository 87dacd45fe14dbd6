/**
 * The memorisation check in the explorer, web mode with the real engine: the current image beside
 * its nearest training images (by classifier features and by pixels), and a checkpoint's copy rate
 * with the closest sample/training pairs.
 */
import sharp from 'sharp';
import { test, expect } from './support/web-mode';
import { trainRunInApp } from './support/runs';

test('the explorer shows the training images nearest to a sample and a checkpoint’s copy rate, and projects a training image into the latent space', async ({ app }) => {
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

  // Projection: training image 5 into the latent space; the found latent becomes the current latent.
  const projection = view.getByTestId('projection');
  await projection.getByLabel('Training image number').fill('5');
  await projection.getByText('Settings').click();
  await projection.getByLabel('Projection steps').fill('40');
  await projection.getByLabel('Projection starts').fill('2');
  await projection.getByRole('button', { name: 'Project', exact: true }).click();
  const result = projection.getByTestId('projection-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result).toContainText(/training image 5 \(class \d\) → reconstruction from seed [01]/);
  await expect(projection.getByTestId('projection-error')).toHaveText(/^0\.\d{3}$/);
  await expect(view.getByTestId('explore-current-label')).toHaveText(/^The projected latent \(from seed [01]\)$/);
  // What the explorer draws for the current latent is the reconstruction the projection reported.
  await expect
    .poll(() =>
      app.evaluate(async () => {
        const load = async (img: HTMLImageElement) => {
          const canvas = document.createElement('canvas');
          canvas.width = img.naturalWidth;
          canvas.height = img.naturalHeight;
          const g = canvas.getContext('2d')!;
          g.drawImage(img, 0, 0);
          return g;
        };
        const current = await load(document.querySelector<HTMLImageElement>('[data-testid="explore-current"]')!);
        const pair = await load(document.querySelector<HTMLImageElement>('[data-testid="projection-image"]')!);
        const pad = (current.canvas.width - 28) / 2;
        const a = current.getImageData(pad, pad, 28, 28).data;
        const b = pair.getImageData(2 + 28 + 2, 2, 28, 28).data;
        let worst = 0;
        for (let i = 0; i < a.length; i += 4) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        return worst;
      }),
    )
    .toBeLessThanOrEqual(1);
  // The view's JSON carries the latent by value: copy it, save it, export it like any seed.
  await expect(view.getByTestId('explore-json')).toHaveValue(/"latent": \[/);
  // A keyframe after it interpolates away from the projection; a favourite keeps it.
  await view.getByLabel('Keyframe seed').fill('9');
  await view.getByRole('button', { name: 'Add keyframe' }).click();
  await expect(view.getByRole('list', { name: 'Keyframes' })).toContainText(/1\. projected \(from seed [01]\)\s*×?\s*2\. seed 9/);
  await view.getByRole('button', { name: /Remove keyframe 2/ }).click();
  await view.getByRole('button', { name: /Add to favourites/ }).click();
  await expect(view.getByText(/^Projection \(from seed [01]\)$/)).toBeVisible();

  // A dropped or chosen file projects too, named by its file; a file that is not an image says so.
  await projection.getByLabel('Image file to project').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await expect(projection.getByRole('alert')).toContainText('notes.txt could not be read as an image');
  // A large photo-sized file (over the web socket's 1 MiB frame limit as it is) is scaled in the page and projects.
  let state = 2463534242;
  const noise = Buffer.alloc(1200 * 900 * 3);
  for (let i = 0; i < noise.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    noise[i] = state & 255;
  }
  const big = await sharp(noise, { raw: { width: 1200, height: 900, channels: 3 } }).png().toBuffer();
  expect(big.length).toBeGreaterThan(2 ** 20);
  await projection.getByLabel('Image file to project').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
  await expect(result).toContainText(/big\.png → reconstruction from seed/, { timeout: 120_000 });
  // A long projection is cancelled with Escape; the current latent stays the last one found.
  const labelBefore = await view.getByTestId('explore-current-label').textContent();
  await projection.getByLabel('Projection steps').fill('2000');
  await projection.getByRole('button', { name: 'Project', exact: true }).click();
  await expect(projection.getByTestId('projection-live')).toBeVisible({ timeout: 60_000 });
  await app.keyboard.press('Escape');
  await expect(projection.getByRole('status').filter({ hasText: 'Projection cancelled' })).toBeVisible();
  await expect(view.getByTestId('explore-current-label')).toHaveText(labelBefore!);
  await expect(projection.getByRole('button', { name: 'Project', exact: true })).toBeEnabled();
  await view.screenshot({ path: 'test-results/projection.png' });
});
