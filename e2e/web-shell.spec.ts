import { test, expect } from './support/web-mode';

test('the shell loads and shows the active backend', async ({ app }) => {
  await expect(app).toHaveTitle(/GAN Studio/);
  await expect(app.getByTestId('engine-state')).toHaveText(/ready/i);
  await expect(app.getByTestId('backend-name')).toContainText('wasm');
  // The convolutions run natively: the status bar names the library, the popover says why.
  await expect(app.getByTestId('backend-native')).toHaveText('+ onnxruntime-node');
  await app.getByTestId('backend-name').click();
  await expect(app.getByRole('dialog', { name: 'Compute backends' })).toContainText(/natively in ONNX Runtime \d+\.\d+/);
  await app.keyboard.press('Escape');
  await expect(app.getByRole('navigation')).toBeVisible();
});

test('Sample renders a grid from a fresh generator in the engine process', async ({ app }) => {
  await app.getByRole('navigation').getByText('Model', { exact: true }).click();
  await expect(app.getByTestId('view-model-design')).toBeVisible();
  await app.getByRole('button', { name: 'Sample', exact: true }).click();
  const grid = app.getByTestId('sample-grid');
  await expect(grid).toBeVisible();
  await expect(grid).toHaveAttribute('src', /^data:image\/png;base64,/);
  // A real image decoded by the browser, at the size the engine reported.
  const size = await grid.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(size[0]).toBeGreaterThan(100);
  await app.screenshot({ path: 'test-results/model-view.png' });
});

test('the demo dataset is ready in the Data view', async ({ app }) => {
  await app.getByRole('navigation').getByText('Data', { exact: true }).click();
  await expect(app.getByTestId('view-dataset')).toContainText('10,000');
  await expect(app.getByTestId('view-dataset').locator('img')).toHaveAttribute('src', /^data:image\/png;base64,/);
});

test('web mode refuses the page and the socket without the token', async ({ server, request }) => {
  expect((await request.get(`${server.origin}/`)).status()).toBe(401);
});

test('each view keeps its own scroll position: a view opened next starts at its top', async ({ app }) => {
  const nav = (view: string) => app.getByRole('navigation').getByText(view, { exact: true }).click();
  const main = app.getByRole('main');
  const scrollTop = () => main.evaluate((m) => m.scrollTop);
  await nav('Model');
  await expect(app.getByTestId('view-model-design')).toBeVisible();
  await main.evaluate((m) => m.scrollTo(0, 600));
  await expect.poll(scrollTop).toBeGreaterThan(300);
  const modelAt = await scrollTop();
  await nav('Learn');
  await expect(app.getByTestId('view-learn')).toBeVisible();
  expect(await scrollTop()).toBe(0);
  await nav('Model');
  await expect(app.getByTestId('view-model-design')).toBeVisible();
  await expect.poll(scrollTop).toBe(modelAt);
});
