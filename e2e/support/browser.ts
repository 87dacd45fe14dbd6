import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Playwright's own Chromium when it was downloaded (developers' machines), otherwise the system
 * one (Debian's /usr/bin/chromium on CI, where browser downloads are not possible).
 */
export function chromiumExecutable(): string | undefined {
  const bundled = safe(() => chromium.executablePath());
  if (bundled && existsSync(bundled)) return undefined; // Playwright finds it itself.
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
