/**
 * Two datasets in one project, as people use them: import two folders (neither replaces the other),
 * train a run on each from the Train view, compare the runs, and evaluate both — each against its
 * own images. What the engine wrote (run.json, config.json, the evaluation's dataset) is checked,
 * not only what the page says.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { mnistPng } from '../src-main/engine/dataset/testing';
import { startRun } from './support/runs';
import { test, expect } from './support/web-mode';

let root: string;
const PER_CLASS = 30;

// The second test opens the app again on the two datasets the first one imported.
test.describe.configure({ mode: 'serial' });
/** The refs of the two datasets, as the first test's form sent them. */
let refs: string[] = [];

test.beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gan-e2e-two-'));
  for (const [folder, digits] of [['pair-a', [3, 7]], ['pair-b', [1, 4]]] as const) {
    for (const digit of digits) {
      await mkdir(join(root, folder, String(digit)), { recursive: true });
      for (let k = 0; k < PER_CLASS; k++) await writeFile(join(root, folder, String(digit), `img-${k}.png`), await mnistPng(digit, k));
    }
  }
  // A broken file among the classes: skipped and reported, the rest imported.
  await writeFile(join(root, 'pair-a', '3', 'broken.png'), 'not a png');
});

const nav = (app: Page, view: string) => app.getByRole('navigation').getByText(view, { exact: true }).click();

async function importFolder(app: Page, folder: string): Promise<void> {
  await nav(app, 'Data');
  await app.getByRole('group', { name: 'Size (px)' }).getByText('28', { exact: true }).click();
  await app.getByRole('group', { name: 'Channels' }).getByText('Grayscale', { exact: true }).click();
  await app.getByTestId('folder-input').setInputFiles(join(root, folder));
  const files = 2 * PER_CLASS + (folder === 'pair-a' ? 1 : 0);
  await app.getByRole('button', { name: `Import ${files} files` }).click();
  await expect(app.getByTestId('import-summary')).toContainText(`from “${folder}”`, { timeout: 60_000 });
}

/** Trains a short run on the dataset named `folder`; returns its id and the dataset ref the form sent. */
async function trainOn(app: Page, folder: string, preset: string | null): Promise<{ runId: string; ref: string }> {
  await nav(app, 'Train');
  const form = app.getByRole('form', { name: 'New training run' });
  if (preset) await form.getByText(preset).click();
  const select = form.getByLabel('Dataset');
  const ref = (await select.locator('option', { hasText: `${folder}:` }).getAttribute('value'))!;
  await select.selectOption(ref);
  await form.getByLabel('Steps', { exact: true }).fill('20');
  await form.getByLabel('Batch size', { exact: true }).fill('8');
  await form.getByLabel('Sample every', { exact: true }).fill('10');
  await form.getByLabel('Checkpoint every', { exact: true }).fill('10');
  const runId = await startRun(app);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: 90_000 });
  return { runId, ref };
}

test('two datasets: import both, train on each, compare the runs, evaluate both on their own data', async ({ app, server }) => {
  test.setTimeout(420_000);
  await importFolder(app, 'pair-a');
  await expect(app.getByTestId('import-summary')).toContainText(`Imported ${2 * PER_CLASS} images · 1 skipped`);
  await expect(app.getByTestId('skipped-report').getByRole('row', { name: /3\/broken\.png/ })).toBeVisible();
  await importFolder(app, 'pair-b');

  // Both are there; the second import did not replace the first.
  const picker = app.getByTestId('dataset-picker').getByRole('combobox');
  await expect(picker.locator('option', { hasText: 'pair-a' })).toHaveCount(1);
  await expect(picker.locator('option', { hasText: 'pair-b' })).toHaveCount(1);
  const datasets = await picker.locator('option').count();

  // The same folder again updates its dataset, but only once the user agrees.
  const asked: string[] = [];
  app.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
  await importFolder(app, 'pair-a');
  expect(asked[0]).toContain('already has a dataset named “pair-a”');
  await expect(picker.locator('option')).toHaveCount(datasets);
  await picker.selectOption({ label: (await picker.locator('option', { hasText: 'pair-a' }).textContent())!.trim() });
  await expect(app.getByTestId('project-dataset')).toContainText('pair-a');
  await expect(app.getByTestId('project-dataset').getByTestId('dataset-count')).toHaveText(String(2 * PER_CLASS));
  await app.screenshot({ path: 'test-results/journey-two-datasets-data.png' });

  // Design for pair-a in the Model view, away to Train and back, change again: Start trains what was shown last.
  await nav(app, 'Model');
  const settings = app.getByRole('form', { name: 'Model settings' });
  const pairA = (await settings.getByLabel('Dataset').locator('option', { hasText: 'pair-a:' }).getAttribute('value'))!;
  await settings.getByLabel('Dataset').selectOption(pairA);
  const resolution = settings.getByRole('group', { name: 'Resolution', exact: true });
  await resolution.getByText('32', { exact: true }).click();
  await nav(app, 'Train');
  await nav(app, 'Model');
  await resolution.getByText('28', { exact: true }).click();
  await expect(settings.locator('.go .line')).toHaveText(/28×28×1/);
  const architecture = (await settings.locator('.go .line').textContent())!.split(' ·')[0]!.trim();

  // pair-a trains the Model view's design; pair-b the course's MLP preset.
  const a = await trainOn(app, 'pair-a', null);
  const b = await trainOn(app, 'pair-b', 'MLP GAN (course week 1)');
  refs = [a.ref, b.ref];
  const configA = JSON.parse(await readFile(join(server.project, 'runs', a.runId, 'config.json'), 'utf8'));
  expect(configA.model.architecture).toBe(architecture.toLowerCase());
  expect(a.ref).not.toBe(b.ref);
  // What the engine recorded: each run's data is the dataset chosen for it, at its shape.
  for (const run of [a, b]) {
    const runFile = JSON.parse(await readFile(join(server.project, 'runs', run.runId, 'run.json'), 'utf8'));
    expect(runFile.dataset).toBe(run.ref);
    const config = JSON.parse(await readFile(join(server.project, 'runs', run.runId, 'config.json'), 'utf8'));
    expect(config.model).toMatchObject({ resolution: 28, channels: 1 });
  }

  // Compare: the open run (b) with a.
  await app.getByLabel('Compare with run').selectOption(a.runId);
  await expect(app.getByTestId('compare-config')).toHaveCount(1);

  // Evaluate both checkpoints at step 20 with KID; each against its own dataset.
  await nav(app, 'Evaluate');
  const evaluate = app.getByRole('form', { name: 'Evaluate checkpoints' });
  for (const run of [a, b]) {
    const checkbox = evaluate.getByRole('checkbox', { name: `Evaluate ${run.runId} step 20` });
    await expect(async () => {
      if (!(await checkbox.isVisible())) await evaluate.getByText(run.runId, { exact: true }).click();
      await expect(checkbox).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    await checkbox.check();
  }
  await evaluate.getByRole('checkbox', { name: /Precision & recall/ }).uncheck();
  await evaluate.getByLabel('Samples', { exact: true }).fill('50');
  await evaluate.getByRole('button', { name: /Evaluate 2 checkpoints|Evaluate checkpoint/ }).click();
  const results = app.getByTestId('eval-results');
  await expect(results.getByRole('row').filter({ hasText: 'step 20' })).toHaveCount(2, { timeout: 240_000 });
  // Not comparable with each other: the chart says so.
  await expect(app.getByTestId('eval-mixed-datasets')).toBeVisible();

  for (const [run, folder] of [[a, 'pair-a'], [b, 'pair-b']] as const) {
    const lines = (await readFile(join(server.project, 'runs', run.runId, 'evaluations.jsonl'), 'utf8')).trim().split('\n');
    const record = JSON.parse(lines.at(-1)!);
    expect(record.dataset.label).toBe(folder);
    expect(record.values.map((v: { metric: string }) => v.metric)).toEqual(['kid']);
  }
  await app.screenshot({ path: 'test-results/journey-two-datasets-evaluate.png', fullPage: true });
});

test('a Start pressed while the project’s datasets are still being read waits for them, and trains the one the form then shows', async ({ page, server }) => {
  test.setTimeout(180_000);
  // The reply to dataset.list held back 5 s, as on a slow disk or a busy engine: before, the form
  // showed the digits until the list arrived, and Start pressed then trained them instead. (At
  // 1.5 s a busy CI machine could take longer to load the page, and the wait was over before it.)
  await page.routeWebSocket(/.*/, (ws) => {
    const upstream = ws.connectToServer();
    const listRequests = new Set<number>();
    ws.onMessage((message) => {
      const request = parseWire(message);
      if (request?.channel === 'dataset.list') listRequests.add(request.id as number);
      upstream.send(message);
    });
    upstream.onMessage((message) => {
      const reply = parseWire(message);
      if (reply?.kind === 'reply' && listRequests.has(reply.id as number)) setTimeout(() => ws.send(message), 5000);
      else ws.send(message);
    });
  });
  await page.goto(server.url);
  await nav(page, 'Train');
  const form = page.getByRole('form', { name: 'New training run' });
  await expect(form).toBeVisible();
  await expect(form.getByText('Reading the project’s datasets…')).toBeVisible();
  await form.screenshot({ path: 'test-results/train-start-waits-for-datasets.png' });
  const runId = await startRun(page);
  // The project's newest dataset (pair-a, imported again last), not the digits the form began with.
  const runFile = JSON.parse(await readFile(join(server.project, 'runs', runId, 'run.json'), 'utf8'));
  expect(refs).toHaveLength(2);
  expect(refs).toContain(runFile.dataset);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.getByRole('button', { name: 'Stop training' }).click();
  await expect(page.getByTestId('train-state')).toHaveText(/stopped/i, { timeout: 60_000 });
  await expect(form.getByLabel('Dataset')).toHaveValue(runFile.dataset);
});

function parseWire(message: string | Buffer): Record<string, unknown> | null {
  try {
    return JSON.parse(String(message)) as Record<string, unknown>;
  } catch {
    return null;
  }
}
