import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { developerMenuItems, externalLinkDecision, guardWebContents, isTrustedRendererUrl, refusePermissions } from './security';

describe('Electron security decisions', () => {
  it('opens documentation links, asks for other https links, refuses everything else', () => {
    expect(externalLinkDecision('https://github.com/tensorflow/tfjs')).toBe('open');
    expect(externalLinkDecision('https://arxiv.org/abs/1511.06434')).toBe('open');
    expect(externalLinkDecision('https://example.com/')).toBe('ask');
    expect(externalLinkDecision('https://github.com.evil.example/')).toBe('ask');
    for (const url of ['http://github.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@github.com/', 'not a url']) {
      expect(externalLinkDecision(url)).toBe('deny');
    }
  });

  it('compares the dev server origin exactly, not by prefix', () => {
    const dev = { devUrl: 'http://localhost:5173', fileUrl: 'file:///app/index.html' };
    expect(isTrustedRendererUrl('http://localhost:5173/#/train', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5173.evil.example/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:51730/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173@evil.example/', dev)).toBe(false);
    const packaged = { fileUrl: 'file:///app/index.html' };
    expect(isTrustedRendererUrl('file:///app/index.html?x=1#/data', packaged)).toBe(true);
    expect(isTrustedRendererUrl('file:///app/other.html', packaged)).toBe(false);
  });

  it('keeps navigation and redirects on trusted pages and never opens windows', () => {
    const contents = Object.assign(new EventEmitter(), {
      openHandler: null as null | ((d: { url: string }) => { action: 'deny' }),
      setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' }) {
        this.openHandler = handler;
      },
    });
    const opened: [string, string][] = [];
    guardWebContents(contents, (url) => url.startsWith('file:///app/'), (url, decision) => opened.push([url, decision]));
    const attempt = (event: string, url?: string) => {
      let prevented = false;
      contents.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(attempt('will-redirect', 'file:///app/index.html')).toBe(false);
    expect(attempt('will-attach-webview')).toBe(true);
    expect(contents.openHandler!({ url: 'https://github.com/x' })).toEqual({ action: 'deny' });
    contents.openHandler!({ url: 'https://example.com/' });
    contents.openHandler!({ url: 'file:///etc/passwd' });
    expect(opened).toEqual([['https://github.com/x', 'open'], ['https://example.com/', 'ask']]);
  });

  it('refuses every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (granted: boolean) => void) => void) | null = null;
    let check: ((wc: unknown, p: string) => boolean) | null = null;
    refusePermissions({ setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) });
    const granted: boolean[] = [];
    request!(null, 'media', (g) => granted.push(g));
    expect(granted).toEqual([false]);
    expect(check!(null, 'clipboard-read')).toBe(false);
  });

  it('has no Reload or DevTools in packaged builds', () => {
    expect(developerMenuItems(true)).toEqual([]);
    expect(developerMenuItems(false).map((i) => i.role)).toContain('toggleDevTools');
  });
});
