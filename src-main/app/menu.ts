/** The native application menu. View items drive the renderer through the ui.navigate event. */
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { ViewName } from '../api/contract';
import type { EngineStatus } from '../api/schemas';
import type { ProjectActions } from './project-actions';
import { developerMenuItems } from './security';

export interface MenuActions {
  navigate(view: ViewName): void;
  restartEngine(): void;
  engineStatus(): EngineStatus;
  window(): BrowserWindow | null;
  projects: ProjectActions;
  importFolder(): void;
}

const views: { view: ViewName; label: string }[] = [
  { view: 'dataset', label: 'Data' },
  { view: 'model-design', label: 'Model' },
  { view: 'training', label: 'Train' },
  { view: 'explore', label: 'Explore' },
  { view: 'export', label: 'Gallery' },
  { view: 'evaluation', label: 'Evaluate' },
];

export function buildMenu(actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+Shift+N', click: () => void actions.projects.newProject() },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => void actions.projects.openProjectDialog() },
        {
          label: 'Open Recent',
          submenu: actions.projects.recent().length
            ? actions.projects.recent().map((dir) => ({ label: dir, click: () => void actions.projects.openRecent(dir) }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { label: 'Show Project Folder', click: () => actions.projects.showProjectFolder() },
        { type: 'separator' },
        { label: 'Import Image Folder…', accelerator: 'CmdOrCtrl+I', click: () => actions.importFolder() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...views.map(({ view, label }, i): MenuItemConstructorOptions => ({
          label,
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: () => actions.navigate(view),
        })),
        { type: 'separator' },
        ...developerMenuItems(app.isPackaged),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Engine',
      submenu: [{ label: 'Restart Engine', click: () => actions.restartEngine() }],
    },
    {
      role: 'help',
      submenu: [
        {
          label: 'About GAN Studio',
          click: () => {
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
          },
        },
        { label: 'Show Settings Folder', click: () => void shell.openPath(app.getPath('userData')) },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
