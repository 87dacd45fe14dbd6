/**
 * The native application menu's items, as data (unit-tested): view items drive the renderer through
 * the ui.navigate event; menu.ts hands the template to Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ViewName } from '../api/contract';
import type { ProjectActions } from './project-actions';
import { developerMenuItems } from './security';

export interface MenuActions {
  navigate(view: ViewName): void;
  restartEngine(): void;
  projects: ProjectActions;
  importFolder(): void;
  /** Help ▸ About: the app, Electron and engine versions. */
  about(): void;
  showSettingsFolder(): void;
}

export interface MenuPlatform {
  isMac: boolean;
  /** Packaged builds hide the developer tools items. */
  isPackaged: boolean;
}

const views: { view: ViewName; label: string }[] = [
  { view: 'dataset', label: 'Data' },
  { view: 'model-design', label: 'Model' },
  { view: 'training', label: 'Train' },
  { view: 'explore', label: 'Explore' },
  { view: 'export', label: 'Gallery' },
  { view: 'evaluation', label: 'Evaluate' },
  { view: 'learn', label: 'Learn' },
];

export function menuTemplate(actions: MenuActions, { isMac, isPackaged }: MenuPlatform): MenuItemConstructorOptions[] {
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
        ...developerMenuItems(isPackaged),
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
        { label: 'About GAN Studio', click: () => actions.about() },
        { label: 'Show Settings Folder', click: () => actions.showSettingsFolder() },
      ],
    },
  ];
  return template;
}
