/**
 * A journey across views, as people use the app: design in the Model view, look at the Train view,
 * come back, change the design again, then start. What the engine writes into the run's config.json
 * must be what the form showed, whatever views were opened in between.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { loggedSteps, startRun } from './support/runs';
import { test, expect } from './support/web-mode';

const nav = (app: Page, view: string) => app.getByRole('navigation').getByText(view, { exact: true }).click();

/** The Model view on the demo digits, starting from a preset (any "Replace your unsaved changes?" accepted). */
async function designOnDigits(app: Page, presetLabel: string): Promise<{ settings: Locator; bar: Locator }> {
  app.on('dialog', (dialog) => void dialog.accept());
  await nav(app, 'Model');
  await expect(app.getByTestId('engine-state')).toHaveText(/ready/i);
  const settings = app.getByRole('form', { name: 'Model settings' });
  const bar = app.getByRole('region', { name: 'Configuration' });
  await settings.getByLabel('Dataset').selectOption('demo:mnist');
  await bar.getByText(presetLabel, { exact: true }).click();
  return { settings, bar };
}

test('Model → Train → Model → change → Train → Start trains exactly what the form shows', async ({ app, server }) => {
  const svelteWarnings: string[] = [];
  app.on('console', (message) => {
    if (/derived_inert|state_unsafe|\[svelte\]/i.test(message.text())) svelteWarnings.push(message.text());
  });

  const { settings, bar } = await designOnDigits(app, 'DCGAN (Radford et al.)');
  const resolution = settings.getByRole('group', { name: 'Resolution', exact: true });
  const generator = app.getByRole('table', { name: 'Generator layers' });

  // First visit: 32 px changes the cost and the generator's first layer (Dense 64 → 4·4·256 instead of 7·7·128).
  await resolution.getByText('32', { exact: true }).click();
  await expect(generator).toContainText('Dense 64 → 4,096');
  const params32 = await app.getByTestId('total-params').textContent();

  // Away and back: the view is rebuilt, the design must still follow every edit.
  await nav(app, 'Train');
  await expect(app.getByRole('form', { name: 'New training run' })).toBeVisible();
  await nav(app, 'Model');
  await resolution.getByText('28', { exact: true }).click();
  await expect(app.getByTestId('total-params')).toHaveText('570,466');
  await expect(app.getByTestId('total-params')).not.toHaveText(params32!);
  await expect(generator).toContainText('Dense 64 → 6,272');
  await expect(settings.locator('.go .line')).toHaveText(/^DCGAN · 28×28×1 ·/);
  await settings.getByLabel('EMA decay', { exact: true }).fill('0.99');
  await settings.getByLabel('Steps', { exact: true }).fill('30');
  await settings.getByLabel('Batch size', { exact: true }).fill('8');
  await settings.getByLabel('Sample every', { exact: true }).fill('5');
  await settings.getByLabel('Checkpoint every', { exact: true }).fill('10');
  await settings.getByLabel('Learning-rate decay', { exact: true }).fill('0.5');
  await settings.getByLabel('R1 penalty γ', { exact: true }).fill('0.5');
  await settings.locator('details.group', { hasText: 'What D is trained to tell apart' }).screenshot({ path: 'test-results/journey-design-loss.png' });
  // Early stopping without evaluations: allowed, with a warning that says what it needs.
  await settings.getByLabel('Stop after evaluations without improvement', { exact: true }).fill('3');
  await expect(settings.getByText('early stopping needs evaluations', { exact: false }).first()).toBeVisible();
  await app.screenshot({ path: 'test-results/journey-design-model.png' });

  // Once more through Train and back, then the form's config as the Model view exports it.
  await nav(app, 'Train');
  await nav(app, 'Model');
  await expect(settings.getByLabel('EMA decay', { exact: true })).toHaveValue('0.99');
  await expect(settings.getByLabel('Learning-rate decay', { exact: true })).toHaveValue('0.5');
  await expect(settings.getByLabel('R1 penalty γ', { exact: true })).toHaveValue('0.5');
  await expect(settings.getByLabel('Stop after evaluations without improvement', { exact: true })).toHaveValue('3');
  const line = (await settings.locator('.go .line').textContent())!;
  const download = app.waitForEvent('download');
  await bar.getByRole('button', { name: 'Export JSON' }).click();
  const shown = JSON.parse(await readFile((await (await download).path())!, 'utf8'));
  expect(shown).toMatchObject({ steps: 30, batchSize: 8, emaDecay: 0.99, sampleEvery: 5, checkpointEvery: 10, optimizer: { lrDecay: 0.5 }, loss: { kind: 'bce', r1: 0.5 }, evaluation: { every: 0, patience: 3 }, model: { architecture: 'dcgan', resolution: 28, channels: 1 } });

  // The Train view's form says the same, and Start trains it.
  await nav(app, 'Train');
  const form = app.getByRole('form', { name: 'New training run' });
  await expect(app.getByTestId('run-config-source')).toContainText('DCGAN · 28×28×1');
  await expect(form.getByLabel('Steps', { exact: true })).toHaveValue('30');
  const runId = await startRun(app);
  await expect(app.getByTestId('train-samples')).toHaveAttribute('src', /^data:image\/png;base64,/, { timeout: 60_000 });
  await expect(app.getByTestId('run-config').locator('summary')).toHaveText(`Config: ${line} · batch 8`);
  await app.screenshot({ path: 'test-results/journey-design-train.png' });

  // What the engine wrote is the form, field for field.
  const written = JSON.parse(await readFile(join(server.project, 'runs', runId, 'config.json'), 'utf8'));
  expect(written).toEqual(shown);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 120_000 });
  // R1 trained: its chart, and the penalty the engine logged every 4th step.
  await expect(app.getByRole('figure', { name: 'R1: D’s slope at the real images', exact: true })).toBeVisible();
  await app.getByRole('figure', { name: 'R1: D’s slope at the real images', exact: true }).screenshot({ path: 'test-results/journey-design-r1-chart.png' });
  await expect(app.getByRole('figure', { name: 'Wasserstein estimate and gradient penalty' })).toHaveCount(0);
  const steps = await loggedSteps(server.project, runId);
  expect(steps.filter((l) => l.r1Slope !== null).map((l) => l.step)).toEqual([1, 5, 9, 13, 17, 21, 25, 29]);
  expect(steps.every((l) => l.gradientPenalty === null)).toBe(true);

  expect(svelteWarnings, 'no Svelte runtime warnings (a derived of a destroyed view reads stale values)').toEqual([]);
});

test('a reload keeps the Model view’s unsaved design, its size choice included, and Start trains it', async ({ app, server }) => {
  const { settings, bar } = await designOnDigits(app, 'DCGAN (Radford et al.)');
  // 32 px on the 28-px digits: a choice of the user's that fitting to the dataset would undo.
  await settings.getByRole('group', { name: 'Resolution', exact: true }).getByText('32', { exact: true }).click();
  await settings.getByLabel('EMA decay', { exact: true }).fill('0.95');
  await settings.getByLabel('Steps', { exact: true }).fill('6');
  await settings.getByLabel('Batch size', { exact: true }).fill('8');
  await expect(settings.locator('.go .line')).toHaveText(/^DCGAN · 32×32×1 ·/);

  await app.reload();
  await nav(app, 'Model');
  await expect(settings.locator('.go .line')).toHaveText(/^DCGAN · 32×32×1 ·/);
  await expect(settings.getByLabel('EMA decay', { exact: true })).toHaveValue('0.95');
  await expect(settings.getByLabel('Steps', { exact: true })).toHaveValue('6');
  // Still an unsaved edit of the preset: Undo-free, but picking a preset would ask first.
  await expect(bar.getByRole('group', { name: 'Start from a preset' }).getByLabel('DCGAN (Radford et al.)')).toBeChecked();

  await nav(app, 'Train');
  const runId = await startRun(app);
  const written = JSON.parse(await readFile(join(server.project, 'runs', runId, 'config.json'), 'utf8'));
  expect(written).toMatchObject({ steps: 6, batchSize: 8, emaDecay: 0.95, model: { architecture: 'dcgan', resolution: 32, channels: 1 } });
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 120_000 });
});

test('cancelling "Replace your unsaved changes?" keeps the preset and the config, and the preset can be picked again', async ({ app }) => {
  await nav(app, 'Model');
  const settings = app.getByRole('form', { name: 'Model settings' });
  const bar = app.getByRole('region', { name: 'Configuration' });
  const presets = bar.getByRole('group', { name: 'Start from a preset' });
  let replace = true;
  app.on('dialog', (dialog) => void (replace ? dialog.accept() : dialog.dismiss()));
  await settings.getByLabel('Dataset').selectOption('demo:mnist');
  await presets.getByText('DCGAN (Radford et al.)', { exact: true }).click();
  await expect(presets.getByLabel('DCGAN (Radford et al.)')).toBeChecked();
  await settings.getByLabel('Steps', { exact: true }).fill('77');

  // Another preset, then Cancel: nothing changes, on the page or in the radios.
  replace = false;
  await presets.getByText('MLP GAN (course week 1)', { exact: true }).click();
  await expect(presets.getByLabel('DCGAN (Radford et al.)')).toBeChecked();
  await expect(presets.getByLabel('MLP GAN (course week 1)')).not.toBeChecked();
  await expect(settings.getByLabel('Steps', { exact: true })).toHaveValue('77');
  await expect(settings.locator('.go .line')).toHaveText(/^DCGAN ·/);

  // The same preset again, accepted this time: it replaces the edit.
  replace = true;
  await presets.getByText('MLP GAN (course week 1)', { exact: true }).click();
  await expect(presets.getByLabel('MLP GAN (course week 1)')).toBeChecked();
  await expect(settings.locator('.go .line')).toHaveText(/^MLP ·/);
});

test('DCGAN on clusters: the cluster count set in the Model view survives a trip to Train and is what the engine trains', async ({ app, server }) => {
  const { settings } = await designOnDigits(app, 'DCGAN on clusters (no labels)');
  const labels = settings.getByRole('group', { name: 'Class labels', exact: true });
  await expect(labels.getByLabel('Clusters found in the images')).toBeChecked();
  await expect(settings.getByLabel('Clusters', { exact: true })).toHaveValue('20');
  await settings.getByLabel('Clusters', { exact: true }).fill('12');
  await settings.getByLabel('Steps', { exact: true }).fill('6');
  await settings.getByLabel('Batch size', { exact: true }).fill('8');
  await settings.getByLabel('Sample every', { exact: true }).fill('3');
  await expect(settings.locator('.go .line')).toHaveText(/^Conditional DCGAN · 28×28×1 · z 64 · 12 clusters/);
  await labels.scrollIntoViewIfNeeded();
  await app.screenshot({ path: 'test-results/journey-clusters-model.png' });

  await nav(app, 'Train');
  await nav(app, 'Model');
  await expect(settings.getByLabel('Clusters', { exact: true })).toHaveValue('12');
  // Back to the dataset's own labels: the digits' 10 classes, and the count field is gone.
  await labels.getByText('The dataset’s classes', { exact: true }).click();
  await expect(settings.getByTestId('model-classes')).toContainText('10 classes');
  await labels.getByText('Clusters found in the images', { exact: true }).click();
  await expect(settings.getByLabel('Clusters', { exact: true })).toHaveValue('12');
  // Through the plain DCGAN and back: the clusters and their count come back with the conditional model.
  const architecture = settings.getByRole('group', { name: 'Architecture', exact: true });
  await architecture.getByText('DCGAN', { exact: true }).click();
  await expect(labels).toHaveCount(0);
  await architecture.getByText('Conditional', { exact: true }).click();
  await expect(settings.getByLabel('Clusters', { exact: true })).toHaveValue('12');

  await nav(app, 'Train');
  const runId = await startRun(app);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 120_000 });
  const written = JSON.parse(await readFile(join(server.project, 'runs', runId, 'config.json'), 'utf8'));
  expect(written).toMatchObject({ steps: 6, batchSize: 8, model: { architecture: 'cdcgan', numClasses: 12, labels: 'clusters' } });
});
