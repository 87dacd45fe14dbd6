/**
 * Trains a real tiny run with the CLI (the same engine code, in its own process), for specs that
 * need finished runs without driving the Train view for each one. The server holds its project's
 * lock, so the CLI trains into a project of its own and the run folder is copied into the
 * server's project, as a user would bring in a run trained elsewhere. The app lists it after a
 * reload (project.current reads runs/ from disk).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, type Page } from '@playwright/test';

const run = promisify(execFile);

export async function trainRunWithCli(project: string, args: string[] = []): Promise<string> {
  const staging = await mkdtemp(join(tmpdir(), 'gan-e2e-cli-'));
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['out/main/cli.js', 'train', '--project', staging, '--backend', 'wasm', '--preset', 'mlp', '--steps', '20', '--batch', '8', ...args],
      { timeout: 120_000 },
    );
    // The CLI reports on stderr ("Samples and checkpoints: <project>/runs/<id>").
    const runId = /runs[/\\]([^/\\\s]+)/.exec(stderr + stdout)?.[1];
    if (!runId) throw new Error(`could not find the run id in the CLI output:\n${stdout}${stderr}`);
    await cp(join(staging, 'runs', runId), join(project, 'runs', runId), { recursive: true, errorOnExist: true, force: false });
    return runId;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface AppRunOptions {
  /** The preset's label in the New run form. */
  preset?: string;
  steps: number;
  batch?: number;
  sampleEvery?: number;
  checkpointEvery?: number;
  /** How long the run may take to complete. */
  timeout?: number;
}

/**
 * Trains a small run on the demo digits from the Train view, as a user would, waits until it
 * completes and returns its id.
 */
export async function trainRunInApp(app: Page, options: AppRunOptions): Promise<string> {
  const runId = await startRunInApp(app, options);
  await expect(app.getByTestId('train-state')).toHaveText(/completed/i, { timeout: options.timeout ?? 60_000 });
  return runId;
}

/** Fills the Train view's New run form for a small run on the demo digits and starts it; returns its id. */
export async function startRunInApp(app: Page, options: AppRunOptions): Promise<string> {
  const { preset = 'MLP GAN (course week 1)', steps, batch = 8, sampleEvery = 5, checkpointEvery = 10 } = options;
  await app.getByRole('navigation').getByText('Train', { exact: true }).click();
  const form = app.getByRole('form', { name: 'New training run' });
  await form.getByText(preset).click();
  await form.getByLabel('Dataset').selectOption('demo:mnist');
  await form.getByLabel('Steps', { exact: true }).fill(String(steps));
  await form.getByLabel('Batch size', { exact: true }).fill(String(batch));
  await form.getByLabel('Sample every', { exact: true }).fill(String(sampleEvery));
  await form.getByLabel('Checkpoint every', { exact: true }).fill(String(checkpointEvery));
  return startRun(app);
}

/**
 * Presses Start in the Train view and returns the new run's id. The web-mode server is shared by
 * a worker's tests, so the view may still show (or, just opened, be about to show) an earlier
 * test's run: this waits until the engine has answered the start (the button is busy until then,
 * or gone when the run panel replaces the form), so the id read after it, and whatever the caller
 * then reads from the view (state, step, samples), is this run's.
 */
export async function startRun(app: Page, timeout = 60_000): Promise<string> {
  const runIdShown = app.getByTestId('train-run-id');
  const before = (await runIdShown.isVisible()) ? (await runIdShown.textContent())!.trim() : null;
  const start = app.getByRole('button', { name: 'Start training' });
  await start.click();
  await expect(start.and(app.locator('[aria-busy="true"]'))).toHaveCount(0, { timeout });
  // Refused (the engine's review, a dataset gone): fail with what the view says, not a missing id.
  const refusal = app.getByRole('form', { name: 'New training run' }).locator('.alert.shown');
  if (await refusal.isVisible()) throw new Error(`Start was refused: ${(await refusal.innerText()).trim()}`);
  if (before !== null) await expect(runIdShown).not.toHaveText(before);
  await expect(runIdShown).toBeVisible();
  return (await runIdShown.textContent())!.trim();
}

/** The step lines the engine wrote to a run's metrics.jsonl (what it trained, not what the page drew). */
export async function loggedSteps(project: string, runId: string): Promise<{ step: number; r1Slope?: number | null; gradientPenalty?: number | null }[]> {
  return (await readFile(join(project, 'runs', runId, 'metrics.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; step: number; r1Slope?: number | null; gradientPenalty?: number | null })
    .filter((l) => l.type === 'step');
}
