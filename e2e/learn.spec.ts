/**
 * The Learn view's journey in web mode with the real engine: the 2-D playground plays, steps,
 * changes loss, learns a drawn density, and keeps its state across a trip to another view.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './support/web-mode';

/** Pixels of the plot in the generated points' purple and the real points' green (canvas pixels, not CSS). */
async function pointPixels(app: Page): Promise<{ fake: number; real: number; fakeBox: number[]; realBox: number[] }> {
  return app.getByTestId('learn-plot').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let fake = 0;
    let real = 0;
    const fakeBox = [Infinity, Infinity, -Infinity, -Infinity];
    const realBox = [...fakeBox];
    const grow = (box: number[], i: number) => {
      const x = (i / 4) % canvas.width;
      const y = Math.floor(i / 4 / canvas.width);
      box.splice(0, 4, Math.min(box[0]!, x), Math.min(box[1]!, y), Math.max(box[2]!, x), Math.max(box[3]!, y));
    };
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (r === 0x89 && g === 0x57 && b === 0xe5) {
        fake++;
        grow(fakeBox, i);
      }
      if (r === 0x2e && g === 0xa0 && b === 0x43) {
        real++;
        grow(realBox, i);
      }
    }
    return { fake, real, fakeBox, realBox };
  });
}

test('the Learn playground plays, steps, switches loss, learns a drawn density and keeps its state', async ({ app }) => {
  test.setTimeout(180_000);
  // Ctrl+7 opens the seventh view.
  await app.keyboard.press('Control+7');
  const view = app.getByTestId('view-learn');
  await expect(view.getByRole('heading', { name: 'Learn', level: 1 })).toBeVisible();
  await expect(app).toHaveTitle(/^Learn — GAN Studio/);
  const step = view.getByTestId('learn-step');
  await expect(step).toHaveText('0');
  await expect(view.locator('[data-caption="warming-up"]')).toBeVisible();
  const start = await pointPixels(app);
  expect(start.real, 'the ring’s real points are drawn').toBeGreaterThan(200);
  expect(start.fake, 'the generator’s points are drawn').toBeGreaterThan(50);

  // Play from the keyboard: the engine streams frames and the step climbs.
  await view.getByRole('heading', { name: 'Learn', level: 1 }).click();
  await app.keyboard.press('Space');
  await expect(view.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(async () => Number(await step.textContent()), { timeout: 30_000 }).toBeGreaterThan(300);
  await expect(view.getByTestId('learn-rate')).toHaveText(/^\d+$/);
  await expect(view.getByTestId('learn-modes')).toHaveText(/^\d \/ 8$/);
  await app.keyboard.press('Space');
  await expect(view.getByRole('button', { name: 'Play' })).toBeVisible();
  // The generator's points moved off their start: trained, not just redrawn.
  const trained = await pointPixels(app);
  expect(trained.fakeBox).not.toEqual(start.fakeBox);

  // Paused, N and the Step button each run exactly one generator update.
  const paused = Number(await step.textContent());
  await app.keyboard.press('n');
  await expect(step).toHaveText(String(paused + 1));
  await view.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(step).toHaveText(String(paused + 2));

  // A new loss starts both networks afresh and is explained.
  await view.getByRole('group', { name: 'Loss' }).getByText('WGAN-GP', { exact: true }).click();
  await expect(step).toHaveText('0');
  await view.getByLabel('n_critic').fill('5');
  await view.getByLabel('n_critic').press('Enter');
  await view.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(step).toHaveText('1');
  await expect(view.getByText('Score real')).toBeVisible();

  // Out-of-range input is refused with a message, and nothing changes.
  await view.getByLabel('G learning rate').fill('5');
  await view.getByLabel('G learning rate').press('Enter');
  await expect(view.getByRole('alert')).toContainText('out of range');
  await expect(view.getByLabel('G learning rate')).toHaveValue('0.002');
  await expect(step).toHaveText('1');

  // Draw a density in the top-left quarter: a stroke trains on it at once.
  await view.getByRole('button', { name: 'Draw a density' }).click();
  const plot = view.getByTestId('learn-plot');
  const box = (await plot.boundingBox())!;
  await app.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.15);
  await app.mouse.down();
  for (let i = 1; i <= 20; i++) await app.mouse.move(box.x + box.width * (0.15 + i * 0.01), box.y + box.height * 0.2, { steps: 1 });
  await app.mouse.up();
  await expect(view.getByLabel('Real data')).toHaveValue('drawn');
  await expect(view.getByRole('status').filter({ hasText: 'so far' })).toContainText(/\((\d{2,}) so far\)/);
  await view.getByRole('button', { name: 'Done drawing' }).click();
  await expect(view.getByRole('alert')).toBeEmpty();
  const drawn = await pointPixels(app);
  // The real points are now the painted stroke, in the top-left (the canvas backs the plot at the device pixel ratio).
  const canvasSize = await plot.evaluate((c: HTMLCanvasElement) => c.width);
  expect(drawn.real).toBeGreaterThan(50);
  expect(drawn.realBox[2]).toBeLessThan(0.45 * canvasSize);
  expect(drawn.realBox[3]).toBeLessThan(0.3 * canvasSize);
  await view.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(step).toHaveText('1');

  // Leave and come back: same settings, same step, paused.
  await app.keyboard.press('Control+1');
  await expect(app.getByTestId('view-dataset')).toBeVisible();
  await app.keyboard.press('Control+7');
  await expect(view.getByLabel('Real data')).toHaveValue('drawn');
  await expect(view.getByRole('group', { name: 'Loss' }).getByLabel('WGAN-GP')).toBeChecked();
  await expect(view.getByLabel('n_critic')).toHaveValue('5');
  await expect(step).toHaveText('1');
  await expect(view.getByRole('button', { name: 'Play' })).toBeVisible();

  // The ring again, played for a few seconds, for the README's picture.
  await view.getByLabel('Real data').selectOption('ring8');
  await view.getByRole('group', { name: 'Loss' }).getByText('BCE', { exact: true }).click();
  await view.getByLabel('n_critic').fill('1');
  await view.getByLabel('n_critic').press('Enter');
  await view.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => Number(await step.textContent()), { timeout: 60_000 }).toBeGreaterThan(1500);
  await view.getByRole('button', { name: 'Pause' }).click();
  await view.screenshot({ path: 'test-results/learn.png' });
});
