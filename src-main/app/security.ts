/**
 * The Electron main process's security decisions, as small functions over the Electron objects
 * they are given (never imported here), so they run and are tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** Hosts whose pages are documentation the app links to; they open without asking. */
export const documentationHosts = ['github.com', 'arxiv.org', 'www.tensorflow.org', 'js.tensorflow.org', 'developer.mozilla.org'];

export type ExternalDecision = 'open' | 'ask' | 'deny';

/** A link the renderer wants opened in the user's browser: https only; unknown hosts are asked. */
export function externalLinkDecision(url: string): ExternalDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'deny';
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return 'deny';
  return documentationHosts.includes(parsed.hostname) ? 'open' : 'ask';
}

/**
 * The renderer's own pages: in dev, the dev server's exact origin (a prefix test let
 * http://localhost:5173.evil.example through); packaged, the one index.html file.
 */
export function isTrustedRendererUrl(url: string, where: { devUrl?: string | undefined; fileUrl: string }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (where.devUrl) return parsed.origin !== 'null' && parsed.origin === new URL(where.devUrl).origin;
  return url.split('#')[0]!.split('?')[0] === where.fileUrl;
}

interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Navigation and redirects stay on the renderer's pages; new windows never open in the app. */
export function guardWebContents(contents: WebContentsLike, isTrusted: (url: string) => boolean, openLink: (url: string, decision: 'open' | 'ask') => void): void {
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (!isTrusted(url)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = externalLinkDecision(url);
    if (decision !== 'deny') openLink(url, decision);
    return { action: 'deny' };
  });
}

interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** Nothing the app shows needs camera, notifications, clipboard reads…: every permission is refused. */
export function refusePermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Reload and DevTools are for development: a packaged app has neither (nor their shortcuts). */
export function developerMenuItems(packaged: boolean): MenuItemConstructorOptions[] {
  return packaged ? [] : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
}
