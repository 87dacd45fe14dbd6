/**
 * The real desktop app through Playwright's Electron driver. Electron downloads its binary on first
 * run; where that was impossible (offline CI) the spec is skipped and says why.
 */
import { test, expect, _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function electronBinary(): { path: string } | { missing: string } {
  const pkg = join('node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `${pathFile} is absent: the Electron binary was never downloaded (offline install)` };
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { missing: `${binary} is absent` };
  return { path: binary };
}

const binary = electronBinary();
if ('missing' in binary) console.log(`[e2e] Skipping Electron specs: ${binary.missing}.`);

test.describe('desktop app', () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');

  test('opens a window that shows the backend and renders a sample grid', async () => {
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: ['out/main/index.js', '--no-sandbox'],
      env: { ...process.env, GAN_STUDIO_E2E: '1' },
    });
    try {
      const window = await app.firstWindow();
      await expect(window).toHaveTitle(/GAN Studio/);
      await expect(window.getByTestId('backend-name')).not.toBeEmpty();
      await window.getByRole('navigation').getByText('Model', { exact: true }).click();
      await window.getByRole('button', { name: 'Sample', exact: true }).click();
      await expect(window.getByTestId('sample-grid')).toHaveAttribute('src', /^data:image\/png;base64,/);
      const isolated = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined');
      expect(isolated).toBe(true);
    } finally {
      await app.close();
    }
  });
});
