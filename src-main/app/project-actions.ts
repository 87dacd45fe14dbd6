/**
 * File-menu project actions: native dialogs choose folders, so every path main opens came from
 * the user through the OS, the recent list, or the command line. Electron's dialog and shell come
 * in as parameters (index.ts passes the real ones), so the decisions are unit-tested.
 */
import type { BrowserWindow, Dialog, OpenDialogOptions, Shell } from 'electron';
import type { StudioService } from '../services/studio-service';
import type { PreferencesStore } from '../services/preferences';

export interface ProjectActions {
  newProject(): Promise<void>;
  openProjectDialog(): Promise<void>;
  openRecent(dir: string): Promise<void>;
  showProjectFolder(): void;
  recent(): string[];
}

/** The parts of Electron's dialog and shell modules used here. */
export interface NativeUi {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>;
  shell: Pick<Shell, 'openPath'>;
}

export function projectActions(
  { dialog, shell }: NativeUi,
  service: Pick<StudioService, 'openProject' | 'currentProject'>,
  preferences: Pick<PreferencesStore, 'addRecentProject' | 'get'>,
  window: () => BrowserWindow | null,
  onRecentChanged: () => void,
): ProjectActions {
  const pickFolder = async (options: OpenDialogOptions): Promise<string | null> => {
    const win = window();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  const open = async (dir: string, create: boolean) => {
    try {
      await service.openProject(dir, { create });
      preferences.addRecentProject(dir);
      onRecentChanged();
    } catch (err) {
      dialog.showErrorBox('Cannot open the project', err instanceof Error ? err.message : String(err));
    }
  };
  return {
    newProject: async () => {
      const dir = await pickFolder({
        title: 'New project: choose or create an empty folder',
        buttonLabel: 'Create project here',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      });
      if (dir) await open(dir, true);
    },
    openProjectDialog: async () => {
      const dir = await pickFolder({ title: 'Open project', buttonLabel: 'Open project', properties: ['openDirectory'] });
      if (dir) await open(dir, false);
    },
    openRecent: (dir) => open(dir, false),
    showProjectFolder: () => {
      const project = service.currentProject();
      if (project) void shell.openPath(project.dir);
    },
    recent: () => preferences.get('recentProjects'),
  };
}
