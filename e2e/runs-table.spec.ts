/**
 * The runs table in web mode with the real engine: two runs that differ in one setting, sorted,
 * searched, tagged (the notes file on disk), exported as CSV, and one ticked to overlay the charts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './support/web-mode';
import { trainRunInApp } from './support/runs';

test('every run in one table: sort, search, tag, export, and tick a run to compare its charts', async ({ app, server }) => {
  test.setTimeout(240_000);
  const small = await trainRunInApp(app, { steps: 12, batch: 8 });
  const large = await trainRunInApp(app, { steps: 12, batch: 16 });
  const table = app.getByTestId('runs-table');
  await expect(table.locator(`tr[data-run="${small}"]`)).toBeVisible();
  await expect(table.locator(`tr[data-run="${large}"]`)).toBeVisible();

  // The setting that differs has its own column; sorting by it puts batch 8 first, then 16 first.
  const header = table.getByRole('button', { name: /^batchSize/ });
  await header.click();
  const order = async () => (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')))).filter((id) => id === small || id === large);
  expect(await order()).toEqual([large, small]); // numeric columns sort descending first
  await header.click();
  expect(await order()).toEqual([small, large]);

  // Tags and notes are kept beside the run, and the search finds them.
  await table.getByRole('button', { name: `Notes and tags of ${small}` }).click();
  await table.getByLabel('Tags (comma-separated)').fill('baseline, tiny');
  await table.getByRole('textbox', { name: 'Notes', exact: true }).fill('first try');
  await table.getByRole('button', { name: 'Save' }).click();
  await expect(table.locator(`tr[data-run="${small}"]`)).toContainText('baseline, tiny');
  expect(JSON.parse(await readFile(join(server.project, 'runs', small, 'notes.json'), 'utf8'))).toEqual({ notes: 'first try', tags: ['baseline', 'tiny'] });
  await table.getByLabel('Search runs').fill('baseline');
  await expect(table.locator('tbody tr')).toHaveCount(1);

  // CSV of what is shown.
  const download = app.waitForEvent('download');
  await table.getByRole('button', { name: 'Export CSV' }).click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^run_id,Run,Dataset,/);
  expect(lines[1]).toContain(small);
  expect(lines[1]).toContain('"baseline, tiny"');

  // The open run is the last one trained; ticking the other overlays its charts (and the config diff).
  await table.getByLabel('Search runs').fill('');
  await table.getByRole('checkbox', { name: `Compare ${small} on the charts` }).check();
  await expect(app.getByTestId('compare-config')).toContainText('1 setting differs from');
  await table.screenshot({ path: 'test-results/runs-table.png' });
});
