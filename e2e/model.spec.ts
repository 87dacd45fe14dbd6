import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun } from './support/runs';
import { test, expect } from './support/web-mode';

test('design a GAN from a preset, see its cost, save it and train it from the Train view', async ({ app }) => {
  app.on('dialog', (dialog) => void dialog.accept());
  await app.getByRole('navigation').getByText('Model', { exact: true }).click();
  await expect(app.getByTestId('engine-state')).toHaveText(/ready/i);
  const bar = app.getByRole('region', { name: 'Configuration' });
  const settings = app.getByRole('form', { name: 'Model settings' });
  // Other specs may have imported a dataset into the shared project: design for the digits.
  await settings.getByLabel('Dataset').selectOption('demo:mnist');

  // The small-colour preset brings R1; a Wasserstein loss sets it aside (no error to mend), the next loss with a real/fake boundary gets it back.
  const lossGroup = settings.getByRole('group', { name: 'Loss', exact: true });
  await bar.getByText('Small colour folder', { exact: true }).click();
  await expect(settings.getByLabel('R1 penalty γ', { exact: true })).toHaveValue('1');
  await lossGroup.getByText('WGAN-GP', { exact: true }).click();
  await expect(settings.getByLabel('R1 penalty γ', { exact: true })).toHaveCount(0);
  await expect(app.getByTestId('design-errors')).not.toContainText('R1');
  await lossGroup.getByText('Hinge', { exact: true }).click();
  await expect(settings.getByLabel('R1 penalty γ', { exact: true })).toHaveValue('1');
  // γ the user turned off stays off through the next round trip.
  await settings.getByLabel('R1 penalty γ', { exact: true }).fill('0');
  await lossGroup.getByText('WGAN', { exact: true }).click();
  await lossGroup.getByText('LSGAN', { exact: true }).click();
  await expect(settings.getByLabel('R1 penalty γ', { exact: true })).toHaveValue('0');

  // A preset fills in everything; the summary counts its layers (hand-checked in plan.test.ts).
  await bar.getByText('DCGAN (Radford et al.)', { exact: true }).click();
  await expect(app.getByTestId('total-params')).toHaveText('570,466');
  await expect(app.getByRole('table', { name: 'Generator layers' })).toContainText('Transposed conv 4×4 stride 2, 128 → 64');

  // z 100 and G width 64: dense 100→7·7·256, BN 256, convT 256→128, BN 128, convT 128→1 + bias; D unchanged.
  await settings.getByLabel('z dimension', { exact: true }).fill('100');
  await settings.getByLabel('G width', { exact: true }).fill('64');
  await expect(app.getByTestId('total-params')).toHaveText((100 * 49 * 256 + 512 + 16 * 256 * 128 + 256 + 16 * 128 + 1 + 36_577).toLocaleString('en-US'));

  // Advice that does not block: five D steps per G step with BCE.
  await settings.getByLabel('n_critic', { exact: true }).fill('5');
  await expect(app.getByTestId('design-warnings')).toContainText('n_critic: 5 D steps per G step suit a Wasserstein critic');
  await expect(app.getByRole('button', { name: 'Train this…' })).toBeEnabled();

  // What the engine would refuse: a batch-norm critic under WGAN-GP. Nothing can start a run from it.
  await settings.getByRole('group', { name: 'Loss', exact: true }).getByText('WGAN-GP', { exact: true }).click();
  await expect(app.getByTestId('design-errors')).toContainText('Critic normalisation: WGAN-GP penalises each sample’s gradient');
  await expect(app.getByRole('button', { name: 'Train this…' })).toBeDisabled();
  await settings.getByRole('group', { name: 'Critic normalisation' }).getByText('None', { exact: true }).click();
  await expect(app.getByTestId('design-errors')).toHaveCount(0);

  // Undo and redo: the critic's batch norm comes back with its error, then goes again (Ctrl+Z / Ctrl+Shift+Z too).
  await bar.getByRole('button', { name: 'Undo' }).click();
  await expect(app.getByTestId('design-errors')).toContainText('Critic normalisation');
  await app.getByRole('heading', { name: 'Model', level: 1 }).click();
  await app.keyboard.press('Control+Shift+Z');
  await expect(app.getByTestId('design-errors')).toHaveCount(0);

  // A short run, then a measured estimate from real steps on the engine's backend.
  await settings.getByLabel('Batch size', { exact: true }).fill('16');
  await settings.getByLabel('Steps', { exact: true }).fill('60');
  await settings.getByLabel('Sample every', { exact: true }).fill('5');
  await app.getByRole('button', { name: 'Measure speed' }).click();
  await expect(app.getByTestId('time-estimate')).toHaveText(/about .+ to 60 steps/, { timeout: 60_000 });

  // Saved in the project, compared with an edit, saved again.
  await bar.getByLabel('Name', { exact: true }).fill('e2e WGAN-GP');
  await bar.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(app.getByTestId('config-status')).toHaveText('Saved as “e2e WGAN-GP”');
  await settings.getByLabel('Steps', { exact: true }).fill('40');
  await expect(app.getByTestId('config-status')).toHaveText('Unsaved changes to “e2e WGAN-GP”');
  await expect(app.getByTestId('config-diff')).toContainText('steps');
  await expect(app.getByTestId('config-diff').getByRole('row', { name: /Steps/ })).toContainText('60');
  await bar.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(app.getByTestId('config-status')).toHaveText('Saved as “e2e WGAN-GP”');

  // Export, then import: the file comes back as a new saved config; a broken one is refused field by field.
  const download = app.waitForEvent('download');
  await bar.getByRole('button', { name: 'Export JSON' }).click();
  const exported = JSON.parse(await readFile((await (await download).path())!, 'utf8'));
  expect(exported).toMatchObject({ steps: 40, nCritic: 5, batchSize: 16, loss: { kind: 'wgan-gp' }, model: { zDim: 100, gWidth: 64, dNorm: 'none' } });
  const dir = await mkdtemp(join(tmpdir(), 'gan-e2e-configs-'));
  await writeFile(join(dir, 'broken.json'), JSON.stringify({ ...exported, batchSize: 0, model: { ...exported.model, resolution: 48 } }));
  await app.getByTestId('config-import').setInputFiles(join(dir, 'broken.json'));
  await expect(bar.getByRole('alert')).toContainText('broken.json is not a training config GAN Studio can use');
  await expect(bar.getByRole('alert')).toContainText('Resolution: the models are built for 28, 32, 64 or 128 px');
  await expect(bar.getByRole('alert')).toContainText('Batch size: Too small');
  await writeFile(join(dir, 'more steps.json'), JSON.stringify({ ...exported, steps: 1000 }));
  await app.getByTestId('config-import').setInputFiles(join(dir, 'more steps.json'));
  await expect(app.getByTestId('config-status')).toHaveText('Saved as “more steps”');
  await expect(settings.getByLabel('Steps', { exact: true })).toHaveValue('1000');

  // Duplicate and delete (after a confirm), then back to the config to train.
  await bar.getByRole('button', { name: 'Duplicate' }).click();
  await expect(app.getByTestId('config-status')).toHaveText('Saved as “more steps copy”');
  await bar.getByRole('button', { name: 'Delete…' }).click();
  await expect(bar.getByLabel('Saved configs')).not.toContainText('more steps copy');
  await bar.getByLabel('Saved configs').selectOption('e2e WGAN-GP');
  await expect(settings.getByLabel('Steps', { exact: true })).toHaveValue('40');
  // The view scrolls inside the window: a tall one shows all of it.
  await app.setViewportSize({ width: 1280, height: 3200 });
  await app.screenshot({ path: 'test-results/model-view-design.png' });
  await app.setViewportSize({ width: 1280, height: 800 });

  // The Train view's form starts from that config, and the run trains it.
  await app.getByRole('button', { name: 'Train this…' }).click();
  const form = app.getByRole('form', { name: 'New training run' });
  await expect(form.getByLabel('Configuration')).toHaveValue('e2e WGAN-GP');
  await expect(form.getByLabel('Steps', { exact: true })).toHaveValue('40');
  await expect(form.getByLabel('Dataset')).toHaveValue('demo:mnist');
  await expect(form.getByTestId('run-estimate')).toContainText('for 40 steps');
  await app.screenshot({ path: 'test-results/train-view-new-run.png' });
  await startRun(app);
  await expect(app.getByTestId('train-state')).toHaveText(/running/i);
  await expect(app.getByTestId('train-step')).toHaveText(/Step [1-9]\d* \/ 40/);
  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await app.getByRole('button', { name: 'Stop training' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/stopped|completed/i);
});
