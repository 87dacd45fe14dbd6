/**
 * A journey across views with a run whose in-training evaluation scored an earlier checkpoint best
 * (late in a run a checkpoint's KID can swing ×2 from one evaluation to the next): the explorer
 * opens that run at its best checkpoint and says so, "Latest" still reaches the newest, and the
 * Gallery exports the best one unless told otherwise. What the engine wrote (the export's sidecar)
 * is checked, not only the page.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { preset } from '../src-main/api/training';
import { CheckpointStore } from '../src-main/project/checkpoint/store';
import { earlyStopMessage, writeRunEnd } from '../src-main/project/run-end';
import { test, expect } from './support/web-mode';
import { trainRunWithCli } from './support/runs';

const nav = (app: Page, view: string) => app.getByRole('navigation').getByText(view, { exact: true }).click();

test('a run opens at the checkpoint its evaluation scored best, in the explorer and the Gallery', async ({ app, server }) => {
  // A real run with checkpoints at steps 10, 20 and 30 (the flags after --config override it, so --steps again).
  const folder = await mkdtemp(join(tmpdir(), 'gan-e2e-best-'));
  const configFile = join(folder, 'config.json');
  await writeFile(configFile, JSON.stringify({ ...preset('mlp'), steps: 30, batchSize: 8, sampleEvery: 10, checkpointEvery: 10 }));
  const runId = await trainRunWithCli(server.project, ['--config', configFile, '--steps', '30']).finally(() => rm(folder, { recursive: true, force: true }));
  // Step 20 scored best: the engine's own call, as its in-training evaluation makes it.
  const checkpoints = new CheckpointStore(join(server.project, 'runs', runId, 'checkpoints'));
  await checkpoints.markBest('ckpt-000000020.gsc');
  expect((await checkpoints.list()).map((c) => [c.step, c.best])).toEqual([[30, false], [20, true], [10, false]]);
  await app.reload();

  await nav(app, 'Explore');
  const view = app.getByTestId('view-explore');
  await view.getByLabel('Run', { exact: true }).selectOption(runId);
  const picker = view.getByLabel('Checkpoint', { exact: true });
  await expect(picker).toHaveValue('ckpt-000000020.gsc');
  await expect(view.getByTestId('explore-model')).toContainText('showing step 20');
  await expect(view.getByText('Opened at step 20, the checkpoint this run’s evaluation scored best. “Latest” is step 30.')).toBeVisible();
  await app.screenshot({ path: 'test-results/explore-best-checkpoint.png', fullPage: true });
  // "Latest" still reaches the newest, and the note goes.
  await picker.selectOption('latest');
  await expect(view.getByTestId('explore-model')).toContainText('showing step 30');
  await expect(view.getByText('Opened at step 20')).toBeHidden();

  // The Gallery exports the best checkpoint unless told otherwise.
  await nav(app, 'Gallery');
  const form = app.getByRole('form', { name: 'New export' });
  await form.getByLabel('Run', { exact: true }).selectOption(runId);
  await expect(form.getByLabel('Checkpoint', { exact: true })).toHaveValue('ckpt-000000020.gsc');
  await expect(form.getByTestId('export-best')).toHaveText('Step 20 is the checkpoint this run’s evaluation scored best.');
  await app.screenshot({ path: 'test-results/gallery-best-checkpoint.png' });
  await form.getByText('Grid PNG', { exact: true }).click();
  await form.getByLabel('Name', { exact: true }).fill('best-grid');
  await form.getByRole('button', { name: 'Export', exact: true }).click();
  const dir = app.getByTestId('last-export-dir');
  await expect(dir).toHaveText(/[/\\]exports[/\\]best-grid$/, { timeout: 60_000 });
  const sidecar = JSON.parse(await readFile(join((await dir.textContent())!, 'sidecar.json'), 'utf8'));
  expect(sidecar).toMatchObject({ run: { runId, step: 20 }, request: { source: { checkpoint: { runId, file: 'ckpt-000000020.gsc' } } } });

  // "Newest" is one choice away, and the hint goes with it.
  await form.getByLabel('Checkpoint', { exact: true }).selectOption({ label: 'Newest (step 30)' });
  await expect(form.getByTestId('export-best')).toBeHidden();
  await form.getByLabel('Name', { exact: true }).fill('newest-grid');
  await form.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dir).toHaveText(/[/\\]exports[/\\]newest-grid$/, { timeout: 60_000 });
  expect(JSON.parse(await readFile(join((await dir.textContent())!, 'sidecar.json'), 'utf8'))).toMatchObject({ run: { runId, step: 30 } });

  // Its spec asks for the newest checkpoint: the explorer opens it there, not at the best one.
  const list = app.getByRole('region', { name: 'Exports in this project' });
  await list.getByRole('listitem', { name: 'Export newest-grid', exact: true }).getByRole('button', { name: 'Open in Explore' }).click();
  await expect(view.getByTestId('explore-model')).toContainText('showing step 30');
  await expect(view.getByText('Opened at step 20')).toBeHidden();
});

test('a run that stopped early is finished in every view: the runs list, the Train view (which says why) and Explore at its best checkpoint', async ({ app, server }) => {
  const folder = await mkdtemp(join(tmpdir(), 'gan-e2e-ended-'));
  const configFile = join(folder, 'config.json');
  await writeFile(configFile, JSON.stringify({ ...preset('mlp'), steps: 30, batchSize: 8, sampleEvery: 10, checkpointEvery: 10 }));
  const runId = await trainRunWithCli(server.project, ['--config', configFile, '--steps', '30']).finally(() => rm(folder, { recursive: true, force: true }));
  // What early stopping leaves on disk (the engine's side is unit-tested with a real session): a
  // run configured for 100 steps with patience, ended at step 30, its evaluation's best at step 20.
  const runDir = join(server.project, 'runs', runId);
  const config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8'));
  await writeFile(join(runDir, 'config.json'), JSON.stringify({ ...config, steps: 100, evaluation: { every: 10, samples: 50, metric: 'kid', patience: 1 } }));
  const message = earlyStopMessage(30, 1, 'kid', 20);
  await writeRunEnd(runDir, { step: 30, message });
  await new CheckpointStore(join(runDir, 'checkpoints')).markBest('ckpt-000000020.gsc');
  await app.reload();

  await nav(app, 'Train');
  await expect(app.getByTitle(runId, { exact: true }).locator('.state')).toHaveText('completed');
  await expect(app.getByText('checkpoint at step 30 of 100 · stopped early · best at 20')).toBeVisible();
  await app.getByRole('button', { name: `Open run ${runId}` }).click();
  await expect(app.getByTestId('train-state')).toHaveText('Completed');
  await expect(app.getByTestId('train-step')).toHaveText('Step 30 / 100');
  await expect(app.getByTestId('train-ended')).toHaveText(message);
  // Nothing to resume: the Current run panel (Pause/Resume, Stop) is for runs that can still train.
  await expect(app.getByRole('button', { name: 'Resume', exact: true })).toHaveCount(0);
  await app.getByTestId('train-ended').scrollIntoViewIfNeeded();
  await app.screenshot({ path: 'test-results/train-stopped-early.png', fullPage: true });

  // Finished, so Explore opens it at its best checkpoint rather than following it as a live run.
  await nav(app, 'Explore');
  const view = app.getByTestId('view-explore');
  await view.getByLabel('Run', { exact: true }).selectOption(runId);
  await expect(view.getByLabel('Checkpoint', { exact: true })).toHaveValue('ckpt-000000020.gsc');
  await expect(view.getByText('Opened at step 20, the checkpoint this run’s evaluation scored best. “Latest” is step 30.')).toBeVisible();
});
