import { test, expect } from './support/web-mode';
import { trainRunWithCli } from './support/runs';

test('runs can be named, compared on the charts, zoomed and deleted', async ({ app, server }) => {
  const first = await trainRunWithCli(server.project, ['--lr', '0.0005']);
  const second = await trainRunWithCli(server.project);
  const third = await trainRunWithCli(server.project, ['--seed', '11']);
  await app.reload();
  await app.getByRole('navigation').getByText('Train', { exact: true }).click();

  // Name the first run; the list shows the name with the id beneath it.
  await app.getByRole('button', { name: `Rename run ${first}` }).click();
  await app.getByLabel(`Name for run ${first}`).fill('slow lr');
  await app.getByLabel(`Name for run ${first}`).press('Enter');
  await expect(app.getByRole('button', { name: 'Open run slow lr' })).toBeVisible();
  await expect(app.locator(`li[data-run="${first}"] .state`)).toHaveText('completed');

  // Open the second and lay the first over its charts.
  await app.getByRole('button', { name: `Open run ${second}` }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/paused/i);
  await app.getByLabel('Compare with run').selectOption(first);
  const losses = app.getByRole('figure', { name: 'Losses' });
  await expect(losses.getByRole('button', { name: /D loss · slow lr/ })).toBeVisible();
  // A second run on the same charts, with its own dash pattern and its own config diff.
  await app.getByLabel('Compare with run').selectOption(third);
  await expect(losses.getByRole('button', { name: new RegExp(`D loss · ${third}`) })).toBeVisible();
  await expect(app.getByTestId('compare-config')).toHaveCount(2);
  // --lr set both learning rates of the first; the third differs only in its seed.
  await expect(app.getByTestId('compare-config').first()).toContainText('2 settings differ from slow lr');
  await expect(app.getByTestId('compare-config').last()).toContainText(`1 setting differs from ${third}`);
  await app.getByRole('button', { name: `Stop comparing with ${third}` }).click();
  await expect(losses.getByRole('button', { name: new RegExp(`D loss · ${third}`) })).toHaveCount(0);
  await expect(losses.getByRole('button', { name: /D loss · slow lr/ })).toBeVisible();

  // Drag across the loss chart: every chart zooms to those steps; Reset shows them all again.
  const plot = losses.getByRole('img');
  // In view first: with more runs listed above, the chart's middle can sit under the status bar.
  await plot.scrollIntoViewIfNeeded();
  const box = (await plot.boundingBox())!;
  await app.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await app.mouse.down();
  await app.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
  await app.mouse.up();
  await expect(losses.getByRole('button', { name: /Reset zoom/ })).toBeVisible();
  await expect(app.getByRole('figure', { name: 'Gradient norms' }).getByRole('button', { name: /Reset zoom/ })).toBeVisible();
  await losses.getByRole('button', { name: /Reset zoom/ }).click();
  await expect(losses.getByRole('button', { name: /Reset zoom/ })).toHaveCount(0);

  // Stopped, the runs list is back; a run is deleted only after a confirmation.
  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await app.getByRole('button', { name: 'Stop training' }).click();
  await expect(app.getByTestId('train-state')).toHaveText(/stopped/i);
  await app.getByRole('button', { name: 'Delete run slow lr' }).click();
  await app.getByRole('button', { name: 'Keep', exact: true }).click();
  await expect(app.getByRole('button', { name: 'Open run slow lr' })).toBeVisible();
  await app.getByRole('button', { name: 'Delete run slow lr' }).click();
  await app.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(app.getByRole('button', { name: 'Open run slow lr' })).toHaveCount(0);
  await expect(app.getByRole('button', { name: `Open run ${second}` })).toBeVisible();
});
