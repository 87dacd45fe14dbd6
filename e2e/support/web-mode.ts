/**
 * A worker-scoped fixture that runs the built app in web mode (`node out/main/cli.js serve`) and
 * hands tests its tokenised URL. The real services and the real engine process, no stand-ins.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebModeServer {
  url: string;
  origin: string;
  /** The temp project folder the server has open (shared by the worker's tests). */
  project: string;
}

export const test = base.extend<{ app: Page; cspViolations: string[] }, { server: WebModeServer }>({
  server: [
    async ({}, use) => {
      if (!existsSync('out/main/cli.js') || !existsSync('out/renderer/index.html')) {
        throw new Error('The app is not built: run `npm run build` (npm run test:e2e does it for you).');
      }
      // A fresh project per worker, so runs and imports never touch the user's own projects.
      const project = join(mkdtempSync(join(tmpdir(), 'gan-e2e-')), 'E2E project');
      const child = spawn(process.execPath, ['out/main/cli.js', 'serve', '--backend', 'wasm', '--project', project], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GAN_STUDIO_E2E: '1' },
      });
      const url = await waitForUrl(child);
      await use({ url, origin: new URL(url).origin, project });
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  cspViolations: async ({}, use) => {
    await use([]);
  },
  app: async ({ page, server, cspViolations }, use) => {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => cspViolations.push(`page error: ${error.message}`));
    await page.goto(server.url);
    await use(page);
    expect(cspViolations, 'the page must run under its CSP without violations or errors').toEqual([]);
  },
});

export { expect };

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`web mode did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${output}`)));
  });
}
