/**
 * Evaluation from the Evaluate view in web mode, end to end with the real engine: train a tiny run,
 * evaluate its checkpoint with KID on the demo digits' domain classifier (trained by the app on
 * first use), see the number beside its real-vs-real baseline, and export the results as CSV.
 */
import { readFile } from 'node:fs/promises';
import { test, expect } from './support/web-mode';
import { trainRunInApp } from './support/runs';

test('a checkpoint is evaluated with KID, shown with its baseline, and exported as CSV', async ({ app }) => {
  test.setTimeout(240_000);
  const runId = await trainRunInApp(app, { steps: 30, sampleEvery: 10 });

  await app.getByRole('navigation').getByText('Evaluate', { exact: true }).click();
  const evaluate = app.getByRole('form', { name: 'Evaluate checkpoints' });
  const checkbox = evaluate.getByRole('checkbox', { name: `Evaluate ${runId} step 30` });
  // Runs beyond the newest few list their checkpoints once opened (and the list may open it first).
  await expect(async () => {
    if (!(await checkbox.isVisible())) await evaluate.getByText(runId, { exact: true }).click();
    await expect(checkbox).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await checkbox.check();
  // KID and FID: uncheck the other default.
  await evaluate.getByRole('checkbox', { name: /Precision & recall/ }).uncheck();
  await evaluate.getByRole('checkbox', { name: /^FID/ }).check();
  // Too few samples is said beside the field as it is typed, and Evaluate waits for a fix.
  await evaluate.getByLabel('Samples', { exact: true }).fill('10');
  await expect(evaluate.getByText('A whole number from 50 to 50,000')).toBeVisible();
  await expect(evaluate.getByRole('button', { name: 'Evaluate checkpoint' })).toBeDisabled();
  await evaluate.getByLabel('Samples', { exact: true }).fill('200');
  await expect(evaluate.getByText('A whole number from 50 to 50,000')).toBeHidden();
  await expect(app.getByTestId('extractor-note')).toContainText('Domain classifier');
  await evaluate.getByRole('button', { name: 'Evaluate checkpoint' }).click();

  await expect(app.getByTestId('eval-progress')).toBeVisible();
  const results = app.getByTestId('eval-results');
  const row = results.getByRole('row').filter({ hasText: 'step 30' });
  await expect(row).toBeVisible({ timeout: 180_000 });
  const kid = row.locator('td[data-metric="kid"]');
  await expect(kid.locator('.value')).toHaveText(/^-?\d[\d.e+-]* ± \d/);
  await expect(kid.locator('.baseline')).toHaveText(/^real -?\d/);
  // FID's bootstrap interval comes with why it sits above the number (FID is biased at small n).
  await expect(row.locator('td[data-metric="fid"] .value')).toHaveText(/^\d[\d.e+-]* \[\d/);
  await expect(app.getByTestId('fid-bias-note')).toContainText('biased upward at small sample counts');
  // Every cell of the row is a table cell (a block one made the row's shading stop short of it).
  expect(new Set(await row.locator('th, td').evaluateAll((cells) => cells.map((c) => getComputedStyle(c).display)))).toEqual(new Set(['table-cell']));
  // The classifier the app trained is now listed with its test accuracy.
  await expect(app.getByTestId('extractor-note')).toContainText(/MNIST digits \(demo\): 10 classes, \d+\.\d% test accuracy/);

  // Again with three draws (other latents, other halves of the real images): medians and their range.
  await evaluate.getByLabel('Draws', { exact: true }).fill('11');
  await expect(evaluate.getByText('A whole number from 1 to 10')).toBeVisible();
  await expect(evaluate.getByRole('button', { name: 'Evaluate checkpoint' })).toBeDisabled();
  await evaluate.getByLabel('Draws', { exact: true }).fill('3');
  await evaluate.getByRole('button', { name: 'Evaluate checkpoint' }).click();
  await expect(row).toHaveCount(2, { timeout: 180_000 });
  await expect(row.locator('td[data-metric="kid"] .value').filter({ hasText: '3 draws' })).toHaveText(/^-?\d[\d.e+-]* \(-?\d[\d.e+-]*–-?\d[\d.e+-]*, 3 draws\)$/);
  await expect(row.locator('td[data-metric="fid"] .value').filter({ hasText: '3 draws' })).toBeVisible();

  const download = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = await readFile(file, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toMatch(/^run,checkpoint,step,/);
  expect(lines.some((line) => line.startsWith(`${runId},ckpt-000000030.gsc,30,`) && line.includes(',kid,'))).toBe(true);
  expect(lines[0]).toMatch(/,draws,draws_low,draws_high$/);
  expect(lines.filter((line) => line.includes(',kid,') && /,3,-?\d[^,]*,-?\d[^,]*$/.test(line))).toHaveLength(1);
  await app.screenshot({ path: 'test-results/evaluate-view.png', fullPage: true });
});
