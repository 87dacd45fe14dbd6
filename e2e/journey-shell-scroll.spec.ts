/**
 * The shell stays put: at common window sizes, whatever view shows and wherever the wheel turns,
 * the document never scrolls (each view scrolls inside its own area, and never sideways) and is never taller than the window.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { mnistPng } from '../src-main/engine/dataset/testing';
import { test, expect } from './support/web-mode';
import { trainRunWithCli } from './support/runs';

test.describe.configure({ mode: 'serial' });

/** Sidebar label → the view's id (its feature's name). */
const views = { Data: 'dataset', Model: 'model-design', Train: 'training', Explore: 'explore', Gallery: 'export', Evaluate: 'evaluation' } as const;

async function documentScroll(app: Page): Promise<{ top: number; overflow: number }> {
  return app.evaluate(() => {
    const root = document.scrollingElement!;
    return { top: root.scrollTop, overflow: root.scrollHeight - root.clientHeight };
  });
}

let runId: string;

test.beforeAll(async ({ server }) => {
  // Something in every view: a dataset with classes and a broken file, and a finished run.
  runId = await trainRunWithCli(server.project);
});

for (const size of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`no view scrolls the shell at ${size.width}×${size.height}`, async ({ app }) => {
    await app.setViewportSize(size);
    await app.reload();
    await expect(app.getByTestId('engine-state')).toHaveText(/ready/i);
    if (size.width === 1280) {
      // A real import, so the Data view has its grid, histogram and skipped list.
      const folder = join(await mkdtemp(join(tmpdir(), 'gan-e2e-scroll-')), 'digits');
      for (const digit of [1, 4]) {
        await mkdir(join(folder, String(digit)), { recursive: true });
        for (let k = 0; k < 8; k++) await writeFile(join(folder, String(digit), `img-${k}.png`), await mnistPng(digit, k));
      }
      await writeFile(join(folder, '4', 'broken.png'), 'not a png');
      await app.getByRole('navigation').getByText('Data', { exact: true }).click();
      await app.getByTestId('folder-input').setInputFiles(folder);
      await app.getByRole('button', { name: /^Import 17 files/ }).click();
      await expect(app.getByTestId('import-summary')).toContainText(/Imported 16 images/, { timeout: 60_000 });
    }
    for (const [view, id] of Object.entries(views)) {
      await app.getByRole('navigation').getByText(view, { exact: true }).click();
      await expect(app.getByTestId(`view-${id}`)).toBeVisible();
      if (view === 'Train') {
        // The run stays open in the engine across reloads; open it the first time.
        const open = app.getByRole('button', { name: `Open run ${runId}` });
        if (await open.isVisible()) await open.click();
        await expect(app.getByTestId('train-samples')).toBeVisible();
      }
      // Nothing in the view (visible or only for screen readers) reaches below the window.
      expect((await documentScroll(app)).overflow, `${view}: the document is taller than the window`).toBe(0);
      // Nor does the view's area scroll sideways: wide tables scroll inside their own box.
      const sideways = await app.getByRole('main').evaluate((main) => main.scrollWidth - main.clientWidth);
      expect(sideways, `${view}: the view scrolls sideways`).toBeLessThanOrEqual(0);
      // Wheel over the sidebar and the status bar (nothing there scrolls), then far past the view's end and back.
      for (const [x, y, dy] of [
        [40, size.height * 0.5, 2000],
        [size.width * 0.5, size.height - 5, 2000],
        [size.width * 0.6, size.height * 0.5, 2000],
        [size.width * 0.9, size.height * 0.9, 2000],
        [40, size.height * 0.5, 2000],
        [size.width * 0.6, size.height * 0.5, -2000],
      ] as const) {
        await app.mouse.move(x, y);
        for (let i = 0; i < 4; i++) await app.mouse.wheel(0, dy);
        expect((await documentScroll(app)).top, `${view}: the wheel scrolled the shell`).toBe(0);
      }
      // Keyboard focus on the view's last control must not scroll the document either.
      await app.getByRole('main').evaluate((main) => [...main.querySelectorAll<HTMLElement>('button, input, select, [tabindex]')].at(-1)?.focus());
      await expect(app.getByTestId(`view-${id}`)).toBeVisible();
      const scroll = await documentScroll(app);
      expect(scroll, `${view} at ${size.width}×${size.height}`).toEqual({ top: 0, overflow: 0 });
      if (view === 'Data' || view === 'Explore') await app.screenshot({ path: `test-results/shell-${view.toLowerCase()}-${size.width}.png` });
    }
    // The project is shared with later specs: stop the run this test opened, so the Train view
    // offers the New run form again.
    await app.getByRole('navigation').getByText('Train', { exact: true }).click();
    const stop = app.getByRole('button', { name: 'Stop', exact: true });
    if (await stop.isVisible()) {
      await stop.click();
      await app.getByRole('button', { name: 'Stop training' }).click();
    }
    await expect(app.getByRole('form', { name: 'New training run' })).toBeVisible();
  });
}
