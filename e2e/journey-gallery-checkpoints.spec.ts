/**
 * A journey across views: the Gallery is opened on a run before its first checkpoint, then the run
 * is paused in the Train view (which saves one). Back in the Gallery the checkpoint is there and
 * the export can go, without choosing the run again. Meanwhile the Model view says a run is open,
 * and the table of all runs follows the open run's step.
 */
import type { Page } from '@playwright/test';
import { startRunInApp } from './support/runs';
import { test, expect } from './support/web-mode';

const nav = (app: Page, view: string) => app.getByRole('navigation').getByText(view, { exact: true }).click();

test('the Gallery follows a run whose first checkpoint lands while the view is away', async ({ app }) => {
  // The preset's own sample interval (50); no checkpoint until the pause below.
  const runId = await startRunInApp(app, { steps: 100_000, batch: 8, sampleEvery: 50, checkpointEvery: 100_000 });
  await expect(app.getByTestId('train-step')).toHaveText(/Step ([3-9]|\d{2,}) \//);
  // The table of all runs follows the open run's step while it trains.
  const stepCell = app.getByTestId('runs-table').locator(`tr[data-run="${runId}"] td[data-column="step"]`);
  await expect(async () => {
    const shown = Number((await app.getByTestId('train-step').textContent())!.match(/Step ([\d,]+)/)![1]!.replace(/,/g, ''));
    expect(Number((await stepCell.textContent())!.replace(/,/g, ''))).toBeGreaterThanOrEqual(Math.min(shown, 3));
  }).toPass({ timeout: 10_000 });

  await nav(app, 'Gallery');
  const gallery = app.getByRole('form', { name: 'New export' });
  await gallery.getByLabel('Run', { exact: true }).selectOption(runId);
  await expect(gallery.getByText('This run has no checkpoint yet')).toBeVisible();

  await nav(app, 'Train');
  await app.getByRole('button', { name: 'Pause' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/paused/i);
  const step = Number((await app.getByTestId('train-step').textContent())!.match(/Step ([\d,]+)/)![1]!.replace(/,/g, ''));

  await nav(app, 'Gallery');
  await expect(gallery.getByLabel('Run', { exact: true })).toHaveValue(runId);
  await expect(gallery.getByLabel('Checkpoint', { exact: true })).toContainText(`Newest (step ${step.toLocaleString('en-US')})`);
  await expect(gallery.getByText('This run has no checkpoint yet')).toBeHidden();
  await expect(gallery.getByRole('button', { name: 'Export', exact: true })).toBeEnabled();

  // The Model view says why "Train this…" leads to the paused run, and how to start another.
  await nav(app, 'Model');
  await expect(app.getByTestId('model-open-run')).toContainText('A run is open (paused)');
  await nav(app, 'Train');
  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await app.getByRole('button', { name: 'Stop training' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/stopped/i);
  await nav(app, 'Model');
  await expect(app.getByTestId('model-open-run')).toBeHidden();
});
