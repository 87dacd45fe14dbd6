/**
 * File-menu project actions: native dialogs choose folders, so every path main opens came from
 * the user through the OS, the recent list, or the command line.
 */
import { dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { StudioService } from '../services/studio-service';
import type { PreferencesStore } from '../services/preferences';

export interface ProjectActions {
  newProject(): Promise<void>;
  openProjectDialog(): Promise<void>;
  openRecent(dir: string): Promise<void>;
  showProjectFolder(): void;
  recent(): string[];
}

export function projectActions(
  service: StudioService,
  preferences: PreferencesStore,
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
