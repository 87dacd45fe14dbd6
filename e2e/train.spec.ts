import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { test, expect } from './support/web-mode';
import { startRun, trainRunInApp } from './support/runs';
import { readRunHistory } from '../src-main/project/run-history';
import { metricsCsv } from '../src-main/shared/metrics-csv';

test('a run trains from the Train view: charts grow, grids change, controls steer it', async ({ app }) => {
  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New training run' });
  await form.getByText('MLP GAN (course week 1)').click();
  // Other specs may have imported a tiny dataset into the shared project: train on the digits.
  await form.getByLabel('Dataset').selectOption('demo:mnist');
  // Far more steps than the test needs: it stops the run at the end, which must still be going
  // (on a fast machine 400 steps ended before the Stop button was pressed).
  await form.getByLabel('Steps', { exact: true }).fill('20000');
  await form.getByLabel('Batch size', { exact: true }).fill('16');
  await form.getByLabel('Sample every', { exact: true }).fill('5');
  await startRun(app);

  await expect(app.getByTestId('train-state')).toHaveText(/running/i);
  const samples = app.getByTestId('train-samples');
  await expect(samples).toHaveAttribute('src', /^data:image\/png;base64,/);
  const firstGrid = await samples.getAttribute('src');
  await expect(samples).not.toHaveAttribute('src', firstGrid!);
  await expect(app.getByTestId('train-step')).toHaveText(/Step (1\d|[2-9]\d|\d{3}) \//);

  // Pause and resume with the keyboard, as the view promises.
  await app.getByRole('button', { name: 'Pause' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/paused/i);
  const pausedAt = await app.getByTestId('train-step').textContent();
  await app.waitForTimeout(500);
  await expect(app.getByTestId('train-step')).toHaveText(pausedAt!);
  // The other runs stay in reach while one is active.
  await expect(app.getByRole('region', { name: 'Runs in this project' })).toBeVisible();
  await app.locator('body').press('Space');
  await expect(app.getByTestId('train-state')).toHaveText(/running/i);

  // A learning-rate change reaches the engine and comes back as what is in effect.
  const live = app.getByRole('form', { name: 'Change while training' });
  await live.getByLabel('G learning rate', { exact: true }).fill('0.001');
  await live.getByRole('button', { name: 'Apply' }).click();
  await expect(app.getByTestId('live-in-effect')).toContainText('G lr 0.001');
  // Every chart marks the step of the change, and says what changed.
  await expect(app.getByTestId('param-changes')).toContainText(/step \d+: G lr [\d.e-]+ → 0\.001/);
  await app.waitForTimeout(1500); // a few more points after the change, for the picture
  await app.getByTestId('param-changes').locator('xpath=..').screenshot({ path: 'test-results/train-charts.png' });

  // The grid enlarges pixel-exact: a whole-number zoom of the image's own pixels.
  await app.getByRole('button', { name: /^Enlarge the samples at step/ }).click();
  const zoomed = app.getByTestId('zoom-image');
  await expect(zoomed).toBeVisible();
  const [shownWidth, naturalWidth] = await zoomed.evaluate((img: HTMLImageElement) => [img.width, img.naturalWidth]);
  expect(shownWidth % naturalWidth).toBe(0);
  expect(shownWidth / naturalWidth).toBeGreaterThan(1);
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('zoom-dialog')).toBeHidden();

  await app.screenshot({ path: 'test-results/train-view.png', fullPage: true });

  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await app.getByRole('button', { name: 'Stop training' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/stopped/i);
});

test('a stopped run reopens from the runs list with its charts and timeline', async ({ app, server }) => {
  const runId = await trainRunInApp(app, { steps: 30 });

  // A fresh window knows nothing of the run until it asks for it.
  await app.reload();
  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  await app.getByRole('button', { name: `Open run ${runId}` }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/paused/i);
  await expect(app.getByTestId('train-step')).toHaveText(/Step 30 \/ 30/);
  await expect(app.getByTestId('train-samples')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(app.getByRole('slider', { name: 'Sample timeline' })).toBeVisible();
  // The run's whole config comes back with it.
  const config = app.getByTestId('run-config');
  await config.getByText(/^Config: MLP/).click();
  await expect(config.getByRole('row', { name: /^Batch size/ })).toContainText('8');
    // 30 steps of 8 real images over the 10,000 digits.
  await expect(app.getByTestId('train-epoch')).toHaveText('0.02');

  // Its metrics download as CSV: every step the engine logged in metrics.jsonl, as the CLI writes them.
  const downloading = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Download metrics (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${runId}-metrics.csv`);
  const csv = await readFile((await download.path())!, 'utf8');
  const { points } = await readRunHistory(join(server.project, 'runs', runId), { samples: false });
  expect(points).toHaveLength(30);
  expect(csv).toBe(metricsCsv(points));

  // The run's grids over time export as an animation.
  await app.getByRole('group', { name: 'Export from this run' }).getByRole('button', { name: 'Timelapse (GIF)' }).click();
  const done = app.getByTestId('quick-export-done');
  await expect(done).toBeVisible({ timeout: 60_000 });
  const gif = await sharp(join((await done.locator('.path').textContent())!, 'timelapse.gif'), { animated: true }).metadata();
  expect(gif.pages).toBeGreaterThanOrEqual(5);
});
