/** The main window, hardened: isolated, sandboxed, no navigation away, no pop-ups. */
import { BrowserWindow, screen } from 'electron';
import { guardWebContents } from './security';
import type { Preferences, PreferencesStore } from '../services/preferences';

export interface WindowOptions {
  preload: string;
  preferences: PreferencesStore;
  isTrustedUrl: (url: string) => boolean;
  openExternal: (url: string, decision: 'open' | 'ask') => void;
}

export function createMainWindow({ preload, preferences, isTrustedUrl, openExternal }: WindowOptions): BrowserWindow {
  const bounds = visibleBounds(preferences.get('windowBounds'));
  const win = new BrowserWindow({
    ...(bounds ?? { width: 1280, height: 820 }),
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'GAN Studio',
    backgroundColor: '#1b1d23',
    webPreferences: {
      preload,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (preferences.get('windowMaximized')) win.maximize();
  win.once('ready-to-show', () => win.show());

  // Navigation and redirects stay on the renderer; documentation links open in the browser, other
  // https links after asking (openExternal decides), nothing else.
  guardWebContents(win.webContents, isTrustedUrl, openExternal);

  const save = () => {
    if (win.isDestroyed()) return;
    preferences.set('windowMaximized', win.isMaximized());
    if (!win.isMaximized() && !win.isMinimized()) preferences.set('windowBounds', win.getBounds());
  };
  let timer: NodeJS.Timeout | undefined;
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('close', save);
  return win;
}

/** Saved bounds only if they still fit on a connected display (monitors come and go). */
function visibleBounds(bounds: Preferences['windowBounds']) {
  if (!bounds) return null;
  const area = screen.getDisplayMatching(bounds).workArea;
  const overlaps =
    bounds.x < area.x + area.width && bounds.x + bounds.width > area.x && bounds.y < area.y + area.height && bounds.y + bounds.height > area.y;
  return overlaps ? bounds : null;
}
