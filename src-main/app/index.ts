/**
 * Electron main process: lifecycle, the window, security policy, the menu, and wiring of the shared
 * main-side services (StudioService + EngineHost) to Electron's IPC. No training work runs here.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import Store from 'electron-store';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { EngineHost } from '../services/engine-host';
import { StudioService } from '../services/studio-service';
import { PreferencesStore, type KeyValueStore } from '../services/preferences';
import { utilityEngineLauncher } from './engine-launcher';
import { registerIpc } from './ipc';
import { buildMenu } from './menu';
import { createMainWindow } from './window';
import { defaultProjectDir } from '../services/workspace';
import { projectActions } from './project-actions';
import { installSafetyNet } from '../api/process-net';
import { isTrustedRendererUrl, refusePermissions } from './security';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDevUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '../renderer/index.html');

// An error no handler caught is logged; the window, the engine and a training run carry on.
installSafetyNet(process, { name: 'main process' });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  void start();
}

function isTrustedUrl(url: string): boolean {
  // Dev mode: the dev server's exact origin (ELECTRON_RENDERER_URL is set only by electron-vite dev).
  return isTrustedRendererUrl(url, { devUrl: app.isPackaged ? undefined : rendererDevUrl, fileUrl: pathToFileURL(rendererFile).href });
}

/** Documentation opens in the browser; any other https link only after the user agrees. */
async function openLink(url: string, decision: 'open' | 'ask', parent: BrowserWindow | null): Promise<void> {
  if (decision === 'ask') {
    const options = { type: 'question' as const, buttons: ['Open in Browser', 'Cancel'], defaultId: 1, cancelId: 1, message: 'Open this link in your browser?', detail: url };
    const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    if (response !== 0) return;
  }
  await shell.openExternal(url);
}

async function start(): Promise<void> {
  await app.whenReady();
  const preferences = new PreferencesStore(new Store({ name: 'preferences' }) as unknown as KeyValueStore);

  const engine = new EngineHost({
    launcher: utilityEngineLauncher(join(here, 'engine.js'), { GAN_STUDIO_BACKEND: preferences.get('backend') }),
  });
  const service = new StudioService({
    engine,
    app: { name: 'GAN Studio', version: app.getVersion(), mode: 'electron', platform: process.platform },
    chooseFolder: async () => {
      const options = { title: 'Import image folder', buttonLabel: 'Import', properties: ['openDirectory' as const] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    revealPath: (path) => shell.showItemInFolder(path),
  });
  let mainWindow: BrowserWindow | null = null;
  void engine.start();
  const initialProject = process.env.GAN_STUDIO_PROJECT ?? preferences.get('recentProjects')[0] ?? defaultProjectDir(app.getPath('documents'));
  await service.openProject(initialProject, { create: true }).catch(() => service.openProject(defaultProjectDir(app.getPath('documents')), { create: true }));
  preferences.addRecentProject(service.currentProject()!.dir);

  // Nothing the app shows needs camera, notifications, geolocation…: refuse every permission.
  refusePermissions(session.defaultSession);

  const openWindow = () => {
    mainWindow = createMainWindow({
      preload: join(here, '../preload/preload.cjs'),
      preferences,
      isTrustedUrl,
      openExternal: (url, decision) => void openLink(url, decision, mainWindow).catch(() => undefined),
    });
    mainWindow.on('closed', () => (mainWindow = null));
    if (rendererDevUrl && !app.isPackaged) void mainWindow.loadURL(rendererDevUrl);
    else void mainWindow.loadFile(rendererFile);
  };

  registerIpc(ipcMain, service, isTrustedUrl, () => BrowserWindow.getAllWindows());
  const installMenu = (): void =>
    Menu.setApplicationMenu(
      buildMenu({
        navigate: (view) => service.navigate(view),
        restartEngine: () => void engine.restart().catch(() => undefined),
        engineStatus: () => engine.status(),
        window: () => mainWindow,
        projects,
        importFolder: () => service.command('import-folder'),
      }),
    );
  // The Open Recent submenu is rebuilt whenever the list changes.
  const projects = projectActions({ dialog, shell }, service, preferences, () => mainWindow, installMenu);
  installMenu();
  openWindow();

  app.on('second-instance', () => {
    if (!mainWindow) return openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    // Let the engine finish writing (checkpoints) and exit before the app does.
    stopping = true;
    event.preventDefault();
    void engine.stop().finally(() => app.quit());
  });
}
