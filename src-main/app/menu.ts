/** The native application menu: menu-template.ts's items, with the About box and folders Electron shows. */
import { app, dialog, Menu, shell, type BrowserWindow } from 'electron';
import type { EngineStatus } from '../api/schemas';
import { menuTemplate, type MenuActions } from './menu-template';

export interface AppMenuActions extends Omit<MenuActions, 'about' | 'showSettingsFolder'> {
  engineStatus(): EngineStatus;
  window(): BrowserWindow | null;
}

export function buildMenu(actions: AppMenuActions): Menu {
  const about = () => {
    const status = actions.engineStatus();
    const backend = status.backend ? `${status.backend.active} (${status.backend.provider})` : 'not running';
    const win = actions.window();
    const options = {
      type: 'info' as const,
      title: 'About GAN Studio',
      message: `GAN Studio ${app.getVersion()}`,
      detail: `Electron ${process.versions.electron} · Node ${process.versions.node}\nTraining backend: ${backend}`,
    };
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };
  const template = menuTemplate(
    { ...actions, about, showSettingsFolder: () => void shell.openPath(app.getPath('userData')) },
    { isMac: process.platform === 'darwin', isPackaged: app.isPackaged },
  );
  return Menu.buildFromTemplate(template);
}
